package jawbone

import "github.com/upexport/upexport/schema"

// Moves: one item per local day (§6.1), its hourly totals, its
// zone transitions, and its ticks (§6.2).

func movesDecls() []*schema.TableDecl {
	moves := &schema.TableDecl{
		Name: "moves", Endpoint: "moves", TimeColumn: "time_created",
		Description: "One row per local day of activity (GET /users/@me/moves).",
		Columns: cat(
			eventHead("move", true),
			cols(
				schema.Col("snapshot_image", schema.String, "", "snapshot_image", "Relative URL of the day's image; prefix https://jawbone.com."),
				schema.Col("steps", schema.Int64, "", "details.steps", "Total steps of the day."),
				schema.Col("distance", schema.Float64, "m", "details.distance", "Distance walked; null on 0-step days."),
				schema.Col("km", schema.Float64, "km", "details.km", "Distance walked."),
				schema.Col("active_time", schema.Int64, "s", "details.active_time", "Time active."),
				schema.Col("inactive_time", schema.Int64, "s", "details.inactive_time", "Time inactive; null on 0-step days."),
				schema.Col("longest_active", schema.Int64, "s", "details.longest_active", "Longest active stretch."),
				schema.Col("longest_idle", schema.Int64, "s", "details.longest_idle", "Longest idle stretch."),
				schema.Col("calories", schema.Float64, "kcal", "details.calories", "Active calories (workout + band calories)."),
				schema.Col("bmr_day", schema.Float64, "kcal", "details.bmr_day", "Basal metabolic rate for the whole day."),
				schema.Col("bmr", schema.Float64, "kcal", "details.bmr", "Basal metabolic rate so far that day."),
				schema.Col("bg_calories", schema.Float64, "kcal", "details.bg_calories", "Band calories outside workouts."),
				schema.Col("wo_calories", schema.Float64, "kcal", "details.wo_calories", "Workout calories."),
				schema.Col("wo_time", schema.Int64, "s", "details.wo_time", "Workout time."),
				schema.Col("wo_active_time", schema.Int64, "s", "details.wo_active_time", "Active time during workouts."),
				schema.Col("wo_count", schema.Int64, "", "details.wo_count", "Number of workouts."),
				schema.Col("wo_longest", schema.Int64, "s", "details.wo_longest", "Longest workout."),
				schema.Col("sunrise", schema.Timestamp, "", "details.sunrise", "Sunrise (UTC); 0 in the source (unknown) becomes null.").As(schema.ConvZeroNull),
				schema.Col("sunset", schema.Timestamp, "", "details.sunset", "Sunset (UTC); 0 in the source (unknown) becomes null.").As(schema.ConvZeroNull),
				schema.Col("steps_3am", schema.Int64, "", "details.steps_3am", "Steps counted up to 3 am (2016 data only)."),
				schema.Col("series_ids", schema.String, "", "details.series_ids", "Ids of the data series behind the day, as a JSON array (2016 data only).").As(schema.ConvJSON),
				schema.Col("goals_steps", schema.Int64, "", "details.goals.steps", "Step goal of the day (seen once, in GET /moves/{xid})."),
			),
			tzCols("details.tz"),
		),
	}
	const hour = "details.hourly_totals.{YYYYMMDDHH}."
	hourly := &schema.TableDecl{
		Name: "moves_hourly", Endpoint: "moves", Parent: "moves", TimeColumn: "hour_start",
		Description: "One row per details.hourly_totals entry of a move: activity per local hour. " +
			"Only hours with data appear; rows are in local-hour order.",
		RowPath: hour,
		Child:   schema.ChildLocalHourKeyed, Source: "details.hourly_totals",
		Columns: cols(
			userXIDCol(),
			parentXIDCol("move_xid", "move"),
			schema.Derived("hour_start", schema.Timestamp, "", "details.hourly_totals key + details.tzs",
				"UTC start of the hour: the YYYYMMDDHH key read as local time in the zone in force then "+
					"(latest tzs entry starting before the hour ends, else tz, else UTC). "+
					"DST: a repeated hour takes its earlier instant; a skipped hour is read with the offset before the change (shifted forward by the gap).",
				schema.DeriveHourStart),
			schema.Derived("date", schema.Date, "", "details.hourly_totals key [0:8]", "Local date of the hour, as in the key.", schema.DeriveHourDate),
			schema.Derived("local_hour", schema.Int64, "", "details.hourly_totals key [8:10]", "Local hour 0-23, as in the key.", schema.DeriveLocalHour),
			schema.Derived("tz", schema.String, "", "details.tzs / details.tz", "Zone the key was read in, as given; null when neither tzs nor tz resolved (UTC used).", schema.DeriveHourZone),
			schema.Derived("tz_offset", schema.Int64, "s", "details.tzs / details.tz", "UTC offset the key was read with (local = UTC + offset).", schema.DeriveHourOffset),
			schema.Col("steps", schema.Int64, "", hour+"steps", "Steps in the hour."),
			schema.Col("distance", schema.Float64, "m", hour+"distance", "Distance in the hour."),
			schema.Col("active_time", schema.Int64, "s", hour+"active_time", "Active time in the hour."),
			schema.Col("inactive_time", schema.Int64, "s", hour+"inactive_time", "Inactive time in the hour."),
			schema.Col("calories", schema.Float64, "kcal", hour+"calories", "Active calories in the hour."),
			schema.Col("longest_active_time", schema.Int64, "s", hour+"longest_active_time", "Longest active stretch in the hour."),
			schema.Col("longest_idle_time", schema.Int64, "s", hour+"longest_idle_time", "Longest idle stretch in the hour."),
		),
	}
	return []*schema.TableDecl{
		moves,
		hourly,
		tzsDecl("moves", "moves", "move_xid", "move"),
		ticksDecl("moves", "move_xid", "move"),
	}
}

// ticksDecl declares the minute ticks of moves and workouts, which share a shape.
func ticksDecl(parent, parentCol, kind string) *schema.TableDecl {
	return &schema.TableDecl{
		Name: parent + "_ticks", Endpoint: parent + "_ticks", Parent: parent, TimeColumn: "time",
		Description: "One row per tick of GET /" + parent + "/{xid}/ticks: activity in short intervals of a " + kind + ".",
		Shape:       schema.ShapeChildGroup,
		Columns: cols(
			userXIDCol(),
			parentXIDCol(parentCol, kind),
			schema.Col("time", schema.Timestamp, "", "time", "Start of the tick (UTC)."),
			schema.Col("time_completed", schema.Timestamp, "", "time_completed", "End of the tick (UTC)."),
			schema.Col("steps", schema.Int64, "", "steps", "Steps in the tick."),
			schema.Col("distance", schema.Float64, "m", "distance", "Distance in the tick."),
			schema.Col("active_time", schema.Int64, "s", "active_time", "Active time in the tick."),
			schema.Col("calories", schema.Float64, "kcal", "calories", "Calories in the tick."),
			schema.Col("speed", schema.Float64, "", "speed", "Speed as reported (unit undocumented)."),
			schema.Col("aerobic", schema.Bool, "", "aerobic", "Aerobic activity flag (old internal API only)."),
		),
	}
}
