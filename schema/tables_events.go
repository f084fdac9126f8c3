package schema

// Heart rates, body, cardiac, custom (generic) events, mood and band events
// (reference §6.6-§6.9, §6.11).

func eventsDecls() []*tableDecl {
	heartrates := &tableDecl{
		name: "heartrates", endpoint: "heartrates", timeColumn: "time_created",
		desc: "One row per day's resting heart rate (GET /users/@me/heartrates).",
		cols: cat(
			eventHead("heart rate", false),
			placeCols(),
			cols(
				col("resting_heartrate", Int64, "bpm", "resting_heartrate", "Resting heart rate; null when missing."),
				col("sunrise", Timestamp, "", "details.sunrise", "Sunrise (UTC); 0 becomes null.").as(convZeroNull),
				col("sunset", Timestamp, "", "details.sunset", "Sunset (UTC); 0 becomes null.").as(convZeroNull),
			),
			tzCols("details.tz"),
		),
	}
	body := &tableDecl{
		name: "body_events", endpoint: "body_events", timeColumn: "time_created",
		desc: "One row per body measurement (GET /users/@me/body_events).",
		cols: cat(
			eventHead("body event", false),
			cols(
				col("weight", Float64, "kg", "weight", "Body weight."),
				col("body_fat", Float64, "%", "body_fat", "Body fat."),
				col("lean_mass", Float64, "%", "lean_mass", "Lean mass."),
				col("bmi", Float64, "kg/m2", "bmi", "Body mass index."),
				col("waistline", Float64, "", "waistline", "Waistline (unit undocumented; always null in recordings)."),
				col("note", String, "", "note", "Free-text note."),
				col("image", String, "", "image", "Relative URL of a photo."),
				col("shared", Bool, "", "shared", "Shared with friends."),
			),
			placeCols(),
			tzCols("details.tz"),
		),
	}
	cardiac := &tableDecl{
		name: "cardiac_events", endpoint: "cardiac_events", timeColumn: "time_created",
		desc: "One row per heart rate / blood pressure reading (GET /users/@me/cardiac_events).",
		cols: cat(
			eventHead("cardiac event", false),
			cols(
				col("heart_rate", Int64, "bpm", "heart_rate", "Heart rate."),
				col("systolic_pressure", Int64, "mmHg", "systolic_pressure", "Systolic blood pressure."),
				col("diastolic_pressure", Int64, "mmHg", "diastolic_pressure", "Diastolic blood pressure."),
				col("shared", Bool, "", "shared", "Shared with friends."),
			),
			placeCols(),
			tzCols("details.tz"),
		),
	}
	generic := &tableDecl{
		name: "generic_events", endpoint: "generic_events", timeColumn: "time_created",
		desc: `One row per custom ("generic") event (GET /users/@me/generic_events).`,
		cols: cat(
			eventHead("custom event", false),
			cols(
				col("verb", String, "", "verb", "Verb of the event."),
				col("attributes", String, "", "attributes", "Attributes as JSON text.").as(convJSON),
				col("note", String, "", "note", "Free-text note."),
				col("image", String, "", "image", "Relative URL of an image."),
				col("shared", Bool, "", "shared", "Shared with friends."),
			),
			placeCols(),
			tzCols("details.tz"),
		),
	}
	mood := &tableDecl{
		name: "mood", endpoint: "mood", timeColumn: "time_created",
		desc: "One row per mood entry (GET /users/@me/mood, one day per call).",
		cols: cat(
			eventHead("mood", false),
			cols(
				col("sub_type", Int64, "", "sub_type", "1 Amazing, 2 Pumped UP, 3 Energized, 8 Good, 4 Meh, 5 Dragging, 6 Exhausted, 7 Totally Done."),
				col("shared", Bool, "", "shared", "Shared with friends."),
			),
			tzCols("details.tz"),
		),
	}
	band := &tableDecl{
		name: "bandevents", endpoint: "bandevents", timeColumn: "time_created",
		desc: "One row per band mode change (GET /users/@me/bandevents).",
		cols: cat(
			cols(
				userXIDCol(),
				col("time_created", Timestamp, "", "time_created", "When it happened (UTC)."),
				col("date", Date, "", "date", "Local date."),
				col("action", String, "", "action", "enter_sleep_mode, exit_sleep_mode, enter_stopwatch_mode or exit_stopwatch_mode."),
			),
			tzCols("tz"),
		),
	}
	return []*tableDecl{heartrates, body, cardiac, generic, mood, band}
}
