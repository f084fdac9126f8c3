package schema

// Moves: one item per local day (reference §6.1), its hourly totals, its
// zone transitions, and its ticks (§6.2).

func movesDecls() []*tableDecl {
	moves := &tableDecl{
		name: "moves", endpoint: "moves", timeColumn: "time_created",
		desc: "One row per local day of activity (GET /users/@me/moves).",
		cols: cat(
			eventHead("move", true),
			cols(
				col("snapshot_image", String, "", "snapshot_image", "Relative URL of the day's image; prefix https://jawbone.com."),
				col("steps", Int64, "", "details.steps", "Total steps of the day."),
				col("distance", Float64, "m", "details.distance", "Distance walked; null on 0-step days."),
				col("km", Float64, "km", "details.km", "Distance walked."),
				col("active_time", Int64, "s", "details.active_time", "Time active."),
				col("inactive_time", Int64, "s", "details.inactive_time", "Time inactive; null on 0-step days."),
				col("longest_active", Int64, "s", "details.longest_active", "Longest active stretch."),
				col("longest_idle", Int64, "s", "details.longest_idle", "Longest idle stretch."),
				col("calories", Float64, "kcal", "details.calories", "Active calories (workout + band calories)."),
				col("bmr_day", Float64, "kcal", "details.bmr_day", "Basal metabolic rate for the whole day."),
				col("bmr", Float64, "kcal", "details.bmr", "Basal metabolic rate so far that day."),
				col("bg_calories", Float64, "kcal", "details.bg_calories", "Band calories outside workouts."),
				col("wo_calories", Float64, "kcal", "details.wo_calories", "Workout calories."),
				col("wo_time", Int64, "s", "details.wo_time", "Workout time."),
				col("wo_active_time", Int64, "s", "details.wo_active_time", "Active time during workouts."),
				col("wo_count", Int64, "", "details.wo_count", "Number of workouts."),
				col("wo_longest", Int64, "s", "details.wo_longest", "Longest workout."),
				col("sunrise", Timestamp, "", "details.sunrise", "Sunrise (UTC); 0 in the source (unknown) becomes null.").as(convZeroNull),
				col("sunset", Timestamp, "", "details.sunset", "Sunset (UTC); 0 in the source (unknown) becomes null.").as(convZeroNull),
				col("steps_3am", Int64, "", "details.steps_3am", "Steps counted up to 3 am (2016 data only)."),
				col("series_ids", String, "", "details.series_ids", "Ids of the data series behind the day, as a JSON array (2016 data only).").as(convJSON),
				col("goals_steps", Int64, "", "details.goals.steps", "Step goal of the day (seen once, in GET /moves/{xid})."),
			),
			tzCols("details.tz"),
		),
	}
	const hour = "details.hourly_totals.{YYYYMMDDHH}."
	hourly := &tableDecl{
		name: "moves_hourly", endpoint: "moves", parent: "moves", timeColumn: "hour_start",
		desc: "One row per details.hourly_totals entry of a move: activity per local hour. " +
			"Only hours with data appear; rows are in local-hour order.",
		rowPath: hour,
		kind:    childHourly, source: "details.hourly_totals",
		cols: cols(
			userXIDCol(),
			parentXIDCol("move_xid", "move"),
			derived("hour_start", Timestamp, "", "details.hourly_totals key + details.tzs",
				"UTC start of the hour: the YYYYMMDDHH key read as local time in the zone in force then "+
					"(latest tzs entry starting before the hour ends, else tz, else UTC). "+
					"DST: a repeated hour takes its earlier instant; a skipped hour is read with the offset before the change (shifted forward by the gap).",
				deriveHourStart),
			derived("date", Date, "", "details.hourly_totals key [0:8]", "Local date of the hour, as in the key.", deriveHourDate),
			derived("local_hour", Int64, "", "details.hourly_totals key [8:10]", "Local hour 0-23, as in the key.", deriveLocalHour),
			derived("tz", String, "", "details.tzs / details.tz", "Zone the key was read in, as given; null when neither tzs nor tz resolved (UTC used).", deriveHourTZ),
			derived("tz_offset", Int64, "s", "details.tzs / details.tz", "UTC offset the key was read with (local = UTC + offset).", deriveHourOffset),
			col("steps", Int64, "", hour+"steps", "Steps in the hour."),
			col("distance", Float64, "m", hour+"distance", "Distance in the hour."),
			col("active_time", Int64, "s", hour+"active_time", "Active time in the hour."),
			col("inactive_time", Int64, "s", hour+"inactive_time", "Inactive time in the hour."),
			col("calories", Float64, "kcal", hour+"calories", "Active calories in the hour."),
			col("longest_active_time", Int64, "s", hour+"longest_active_time", "Longest active stretch in the hour."),
			col("longest_idle_time", Int64, "s", hour+"longest_idle_time", "Longest idle stretch in the hour."),
		),
	}
	return []*tableDecl{
		moves,
		hourly,
		tzsDecl("moves", "moves", "move_xid", "move"),
		ticksDecl("moves", "move_xid", "move"),
	}
}

// ticksDecl declares the minute ticks of moves and workouts, which share a shape.
func ticksDecl(parent, parentCol, kind string) *tableDecl {
	return &tableDecl{
		name: parent + "_ticks", endpoint: parent + "_ticks", parent: parent, timeColumn: "time",
		desc:  "One row per tick of GET /" + parent + "/{xid}/ticks: activity in short intervals of a " + kind + ".",
		shape: shapeTicks,
		cols: cols(
			userXIDCol(),
			parentXIDCol(parentCol, kind),
			col("time", Timestamp, "", "time", "Start of the tick (UTC)."),
			col("time_completed", Timestamp, "", "time_completed", "End of the tick (UTC)."),
			col("steps", Int64, "", "steps", "Steps in the tick."),
			col("distance", Float64, "m", "distance", "Distance in the tick."),
			col("active_time", Int64, "s", "active_time", "Active time in the tick."),
			col("calories", Float64, "kcal", "calories", "Calories in the tick."),
			col("speed", Float64, "", "speed", "Speed as reported (unit undocumented)."),
			col("aerobic", Bool, "", "aerobic", "Aerobic activity flag (old internal API only)."),
		),
	}
}
