package jawbone

import "github.com/upexport/upexport/schema"

// The person, friends, goals, settings, zone history (§6.11, §6.13)
// and trends (§6.12).

func userDecls() []*schema.TableDecl {
	user := &schema.TableDecl{
		Name: "user", Endpoint: "user",
		Description: "The person (GET /users/@me); one row.",
		Columns: cols(
			userXIDCol(),
			schema.Col("xid", schema.String, "", "xid", "The person's xid."),
			schema.Col("first", schema.String, "", "first", "First name."),
			schema.Col("last", schema.String, "", "last", "Last name."),
			schema.Col("image", schema.String, "", "image", "Relative URL of the profile picture."),
			schema.Col("weight", schema.Float64, "kg", "weight", "Body weight (extended_read)."),
			schema.Col("height", schema.Float64, "m", "height", "Height (extended_read)."),
			schema.Col("gender", schema.Int64, "", "gender", "0 male, 1 female (true/false accepted as 1/0).").As(schema.ConvBoolInt),
		),
	}
	friends := &schema.TableDecl{
		Name: "friends", Endpoint: "friends",
		Description: "One row per friend (GET /users/@me/friends).",
		Columns: cols(
			userXIDCol(),
			schema.Col("xid", schema.String, "", "xid", "The friend's xid."),
		),
	}
	goals := &schema.TableDecl{
		Name: "goals", Endpoint: "goals",
		Description: "The person's goals (GET /users/@me/goals); one row.",
		Columns: cols(
			userXIDCol(),
			schema.Col("move_steps", schema.Int64, "", "move_steps", "Daily step goal."),
			schema.Col("sleep_total", schema.Int64, "s", "sleep_total", "Nightly sleep goal."),
			schema.Col("body_weight", schema.Float64, "kg", "body_weight", "Target body weight."),
			schema.Col("body_weight_intent", schema.Int64, "", "body_weight_intent", "0 lose, 1 maintain, 2 gain."),
			schema.Col("eat_sat_fat", schema.Float64, "g", "eat_sat_fat", "Saturated fat goal."),
			schema.Col("eat_sodium", schema.Float64, "mg", "eat_sodium", "Sodium goal."),
			schema.Col("eat_carbs", schema.Float64, "g", "eat_carbs", "Carbohydrate goal."),
			schema.Col("eat_cholesterol", schema.Float64, "mg", "eat_cholesterol", "Cholesterol goal."),
			schema.Col("eat_fiber", schema.Float64, "g", "eat_fiber", "Fibre goal."),
			schema.Col("eat_protein", schema.Float64, "g", "eat_protein", "Protein goal."),
			schema.Col("eat_calcium", schema.Float64, "", "eat_calcium", "Calcium goal, as reported (unit undocumented)."),
			schema.Col("eat_sugar", schema.Float64, "g", "eat_sugar", "Sugar goal."),
			schema.Col("eat_unsat_fat", schema.Float64, "g", "eat_unsat_fat", "Unsaturated fat goal."),
		),
	}
	settings := &schema.TableDecl{
		Name: "settings", Endpoint: "settings",
		Description: "The person's sharing settings (GET /users/@me/settings); one row.",
		Columns: cols(
			userXIDCol(),
			schema.Col("share_body", schema.Bool, "", "share_body", "Body events shared."),
			schema.Col("share_eat", schema.Bool, "", "share_eat", "Meals shared."),
			schema.Col("share_mood", schema.Bool, "", "share_mood", "Mood shared."),
			schema.Col("share_move", schema.Bool, "", "share_move", "Moves shared."),
			schema.Col("share_sleep", schema.Bool, "", "share_sleep", "Sleeps shared."),
		),
	}
	timezone := &schema.TableDecl{
		Name: "timezone", Endpoint: "timezone",
		Description: "One row per element of GET /users/@me/timezone: the zone from an instant on (shape unconfirmed upstream; other fields become extra columns).",
		Columns: cols(
			userXIDCol(),
			schema.Col("tz", schema.String, "", "tz", `Time zone as given: an Olson name, "GMT-0700", or integer seconds as text.`).As(schema.ConvZoneText),
			schema.Col("time", schema.Timestamp, "", "time", "Instant from which the zone applies."),
			schema.Col("date", schema.Date, "", "date", "Local date of that instant (YYYYMMDD in the source)."),
		),
	}
	return []*schema.TableDecl{user, friends, trendsDecl(), goals, settings, timezone}
}

// trendFields are the value keys of a trends bucket. Buckets can be averages,
// so every value is a Float64.
var trendFields = [...]struct{ key, unit, desc string }{
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

func trendsDecl() *schema.TableDecl {
	cs := cols(
		userXIDCol(),
		schema.Derived("date", schema.Date, "", "data.data[][0]", "Date of the bucket as given (YYYYMMDD in the source).", schema.DerivePairDate),
		schema.Col("gender", schema.Int64, "", "data.data[][1].gender", "0 male, 1 female (false/true and 0.0/1.0 accepted).").As(schema.ConvBoolInt),
	)
	for _, k := range trendFields {
		cs = append(cs, schema.Col(k.key, schema.Float64, k.unit, "data.data[][1]."+k.key, k.desc))
	}
	return &schema.TableDecl{
		Name: "trends", Endpoint: "trends", TimeColumn: "date",
		Description: "One row per bucket of GET /users/@me/trends (day, week, month or year); values are bucket figures, often averages.",
		RowPath:     "data.data[][1].",
		Shape:       schema.ShapeDatePair,
		Columns:     cs,
	}
}
