package schema

// Sleeps (reference §6.3, §6.4) and workouts (§6.5, §6.2).

func sleepsDecls() []*tableDecl {
	sleeps := &tableDecl{
		name: "sleeps", endpoint: "sleeps", timeColumn: "time_created",
		desc: "One row per sleep or nap (GET /users/@me/sleeps).",
		cols: cat(
			eventHead("sleep", true),
			cols(
				col("sub_type", Int64, "", "sub_type", "0 normal sleep, 1 power nap, 2 nap."),
				col("shared", Bool, "", "shared", "Shared with friends."),
				col("snapshot_image", String, "", "snapshot_image", "Relative URL of the sleep image."),
			),
			placeCols(),
			cols(
				col("asleep_time", Timestamp, "", "details.asleep_time", "When the person fell asleep (UTC); 0 becomes null.").as(convZeroNull),
				col("awake_time", Timestamp, "", "details.awake_time", "When the person woke up (UTC); 0 becomes null.").as(convZeroNull),
				col("duration", Int64, "s", "details.duration", "Time in bed."),
				col("awake", Int64, "s", "details.awake", "Time awake."),
				col("light", Int64, "s", "details.light", "Light sleep."),
				col("sound", Int64, "s", "details.sound",
					"Sound (deep) sleep: details.sound (v1.1), or details.deep in v1.0 records, which v1.1 renamed.").or("details.deep"),
				col("rem", Int64, "s", "details.rem", "REM sleep (always 0)."),
				col("awakenings", Int64, "", "details.awakenings", "Times woken up."),
				col("quality", Int64, "%", "details.quality", "Sleep quality score 0-100."),
				col("smart_alarm_fire", Timestamp, "", "details.smart_alarm_fire", "When the smart alarm fired (UTC); 0 (none) becomes null.").as(convZeroNull),
				col("body", Int64, "", "details.body", "Undocumented, always 0."),
				col("mind", Int64, "", "details.mind", "Undocumented, always 0."),
				col("sunrise", Timestamp, "", "details.sunrise", "Sunrise (UTC); 0 becomes null.").as(convZeroNull),
				col("sunset", Timestamp, "", "details.sunset", "Sunset (UTC); 0 becomes null.").as(convZeroNull),
			),
			tzCols("details.tz"),
		),
	}
	ticks := &tableDecl{
		name: "sleeps_ticks", endpoint: "sleeps_ticks", parent: "sleeps", timeColumn: "time",
		desc:  "One row per tick of GET /sleeps/{xid}/ticks: each marks a change of sleep phase.",
		shape: shapeTicks,
		cols: cols(
			userXIDCol(),
			parentXIDCol("sleep_xid", "sleep"),
			col("time", Timestamp, "", "time", "When the phase began (UTC)."),
			col("depth", Int64, "", "depth", "Phase from then on: 1 awake, 2 light, 3 deep (sound)."),
		),
	}
	return []*tableDecl{sleeps, tzsDecl("sleeps", "sleeps", "sleep_xid", "sleep"), ticks}
}

func workoutsDecls() []*tableDecl {
	workouts := &tableDecl{
		name: "workouts", endpoint: "workouts", timeColumn: "time_created",
		desc: "One row per workout (GET /users/@me/workouts).",
		cols: cat(
			eventHead("workout", true),
			cols(
				col("sub_type", Int64, "", "sub_type", "Activity: 1 walk, 2 run, 3 lift weights, 4 cross train, ... 14 bike, ... 29 other."),
				col("shared", Bool, "", "shared", "Shared with friends."),
				col("route", String, "", "route", "Relative URL of the route image."),
				col("image", String, "", "image", "Relative URL of the workout photo."),
				col("snapshot_image", String, "", "snapshot_image", "Relative URL of the workout graph."),
				col("reaction", String, "", "reaction", "Reactions as JSON (usually null).").as(convJSON),
			),
			placeCols(),
			cols(
				col("steps", Int64, "", "details.steps", "Steps during the workout."),
				col("time", Int64, "s", "details.time", "Duration."),
				col("bg_active_time", Int64, "s", "details.bg_active_time", "Band-measured active time."),
				col("meters", Float64, "m", "details.meters", "Distance."),
				col("km", Float64, "km", "details.km", "Distance."),
				col("intensity", Int64, "", "details.intensity", "Intensity 1 easy ... 5 hard; often null."),
				col("calories", Float64, "kcal", "details.calories", "Calories burned."),
				col("bmr", Float64, "kcal", "details.bmr", "Basal calories during the workout."),
				col("bg_calories", Float64, "kcal", "details.bg_calories", "Band-measured calories."),
				col("bmr_calories", Float64, "kcal", "details.bmr_calories", "Basal calories."),
				col("goal", Int64, "", "details.goal", "Workout goal."),
				col("details_place_acc", Float64, "m", "details.place_acc", "Location accuracy in details (clashes with place_acc).").as(convLooseFloat),
			),
			tzCols("details.tz"),
		),
	}
	return []*tableDecl{
		workouts,
		tzsDecl("workouts", "workouts", "workout_xid", "workout"),
		ticksDecl("workouts", "workout_xid", "workout"),
	}
}
