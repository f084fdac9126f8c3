package schema

// The person, friends, goals, settings, zone history (reference §6.11, §6.13)
// and trends (§6.12).

func userDecls() []*tableDecl {
	user := &tableDecl{
		name: "user", endpoint: "user",
		desc: "The person (GET /users/@me); one row.",
		cols: cols(
			userXIDCol(),
			col("xid", String, "", "xid", "The person's xid."),
			col("first", String, "", "first", "First name."),
			col("last", String, "", "last", "Last name."),
			col("image", String, "", "image", "Relative URL of the profile picture."),
			col("weight", Float64, "kg", "weight", "Body weight (extended_read)."),
			col("height", Float64, "m", "height", "Height (extended_read)."),
			col("gender", Int64, "", "gender", "0 male, 1 female (true/false accepted as 1/0).").as(convBoolInt),
		),
	}
	friends := &tableDecl{
		name: "friends", endpoint: "friends",
		desc: "One row per friend (GET /users/@me/friends).",
		cols: cols(
			userXIDCol(),
			col("xid", String, "", "xid", "The friend's xid."),
		),
	}
	goals := &tableDecl{
		name: "goals", endpoint: "goals",
		desc: "The person's goals (GET /users/@me/goals); one row.",
		cols: cols(
			userXIDCol(),
			col("move_steps", Int64, "", "move_steps", "Daily step goal."),
			col("sleep_total", Int64, "s", "sleep_total", "Nightly sleep goal."),
			col("body_weight", Float64, "kg", "body_weight", "Target body weight."),
			col("body_weight_intent", Int64, "", "body_weight_intent", "0 lose, 1 maintain, 2 gain."),
			col("eat_sat_fat", Float64, "g", "eat_sat_fat", "Saturated fat goal."),
			col("eat_sodium", Float64, "mg", "eat_sodium", "Sodium goal."),
			col("eat_carbs", Float64, "g", "eat_carbs", "Carbohydrate goal."),
			col("eat_cholesterol", Float64, "mg", "eat_cholesterol", "Cholesterol goal."),
			col("eat_fiber", Float64, "g", "eat_fiber", "Fibre goal."),
			col("eat_protein", Float64, "g", "eat_protein", "Protein goal."),
			col("eat_calcium", Float64, "", "eat_calcium", "Calcium goal, as reported (unit undocumented)."),
			col("eat_sugar", Float64, "g", "eat_sugar", "Sugar goal."),
			col("eat_unsat_fat", Float64, "g", "eat_unsat_fat", "Unsaturated fat goal."),
		),
	}
	settings := &tableDecl{
		name: "settings", endpoint: "settings",
		desc: "The person's sharing settings (GET /users/@me/settings); one row.",
		cols: cols(
			userXIDCol(),
			col("share_body", Bool, "", "share_body", "Body events shared."),
			col("share_eat", Bool, "", "share_eat", "Meals shared."),
			col("share_mood", Bool, "", "share_mood", "Mood shared."),
			col("share_move", Bool, "", "share_move", "Moves shared."),
			col("share_sleep", Bool, "", "share_sleep", "Sleeps shared."),
		),
	}
	timezone := &tableDecl{
		name: "timezone", endpoint: "timezone",
		desc: "One row per element of GET /users/@me/timezone: the zone from an instant on (shape unconfirmed upstream; other fields become extra columns).",
		cols: cols(
			userXIDCol(),
			col("tz", String, "", "tz", `Time zone as given: an Olson name, "GMT-0700", or integer seconds as text.`).as(convTZText),
			col("time", Timestamp, "", "time", "Instant from which the zone applies."),
			col("date", Date, "", "date", "Local date of that instant (YYYYMMDD in the source)."),
		),
	}
	return []*tableDecl{user, friends, trendsDecl(), goals, settings, timezone}
}

// trendKeys are the value keys of a trends bucket. Buckets can be averages,
// so every value is a Float64.
var trendKeys = [...]struct{ key, unit, desc string }{
	{"weight", "kg", "Body weight."},
	{"height", "m", "Height."},
	{"age", "years", "Age."},
	{"bmr", "kcal", "Basal metabolic rate."},
	{"body_fat", "%", "Body fat."},
	{"pal", "", "Physical activity level."},
	{"m_steps", "", "Steps."},
	{"m_distance", "m", "Distance."},
	{"m_active_time", "s", "Active time."},
	{"m_workout_time", "s", "Workout time."},
	{"m_calories", "kcal", "Active calories."},
	{"m_total_calories", "kcal", "Total calories."},
	{"m_lcat", "s", "Longest continuous active time."},
	{"m_lcit", "s", "Longest continuous inactive time."},
	{"s_duration", "s", "Sleep: time in bed."},
	{"s_light", "s", "Sleep: light sleep."},
	{"s_sound", "s", "Sleep: sound sleep."},
	{"s_deep", "s", "Sleep: deep sleep (v1.0 name)."},
	{"s_awake", "s", "Sleep: time awake."},
	{"s_awakenings", "", "Sleep: awakenings."},
	{"s_quality", "%", "Sleep: quality."},
	{"s_asleep_time", "", "Sleep: time fell asleep, as reported."},
	{"s_awake_time", "", "Sleep: time woke up, as reported."},
	{"s_bedtime", "", "Sleep: bedtime, as reported."},
	{"n_duration", "s", "Naps: time in bed."},
	{"n_light", "s", "Naps: light sleep."},
	{"n_sound", "s", "Naps: sound sleep."},
	{"n_deep", "s", "Naps: deep sleep (v1.0 name)."},
	{"n_awake", "s", "Naps: time awake."},
	{"n_awakenings", "", "Naps: awakenings."},
	{"n_quality", "%", "Naps: quality."},
	{"n_asleep_time", "", "Naps: time fell asleep, as reported."},
	{"n_awake_time", "", "Naps: time woke up, as reported."},
	{"n_bedtime", "", "Naps: bedtime, as reported."},
	{"e_calories", "kcal", "Eaten: calories."},
	{"e_protein", "g", "Eaten: protein."},
	{"e_carbs", "g", "Eaten: carbohydrate."},
	{"e_fiber", "g", "Eaten: fibre."},
	{"e_sugar", "g", "Eaten: sugar."},
	{"e_sat_fat", "g", "Eaten: saturated fat."},
	{"e_unsat_fat", "g", "Eaten: unsaturated fat."},
	{"e_cholesterol", "mg", "Eaten: cholesterol."},
	{"e_sodium", "mg", "Eaten: sodium."},
	{"e_calcium", "", "Eaten: calcium, as reported."},
}

func trendsDecl() *tableDecl {
	cs := cols(
		userXIDCol(),
		derived("date", Date, "", "data.data[][0]", "Date of the bucket as given (YYYYMMDD in the source).", deriveTrendDate),
		col("gender", Int64, "", "data.data[][1].gender", "0 male, 1 female (false/true and 0.0/1.0 accepted).").as(convBoolInt),
	)
	for _, k := range trendKeys {
		cs = append(cs, col(k.key, Float64, k.unit, "data.data[][1]."+k.key, k.desc))
	}
	return &tableDecl{
		name: "trends", endpoint: "trends", timeColumn: "date",
		desc:    "One row per bucket of GET /users/@me/trends (day, week, month or year); values are bucket figures, often averages.",
		rowPath: "data.data[][1].",
		shape:   shapePair,
		cols:    cs,
	}
}
