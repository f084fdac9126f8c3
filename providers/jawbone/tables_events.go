package jawbone

import "github.com/upexport/upexport/schema"

// Heart rates, body, cardiac, custom (generic) events, mood and band events
// (§6.6-§6.9, §6.11).

func eventsDecls() []*schema.TableDecl {
	heartrates := &schema.TableDecl{
		Name: "heartrates", Endpoint: "heartrates", TimeColumn: "time_created",
		Description: "One row per day's resting heart rate (GET /users/@me/heartrates).",
		Columns: cat(
			eventHead("heart rate", false),
			placeCols(),
			cols(
				schema.Col("resting_heartrate", schema.Int64, "bpm", "resting_heartrate", "Resting heart rate; null when missing."),
				schema.Col("sunrise", schema.Timestamp, "", "details.sunrise", "Sunrise (UTC); 0 becomes null.").As(schema.ConvZeroNull),
				schema.Col("sunset", schema.Timestamp, "", "details.sunset", "Sunset (UTC); 0 becomes null.").As(schema.ConvZeroNull),
			),
			tzCols("details.tz"),
		),
	}
	body := &schema.TableDecl{
		Name: "body_events", Endpoint: "body_events", TimeColumn: "time_created",
		Description: "One row per body measurement (GET /users/@me/body_events).",
		Columns: cat(
			eventHead("body event", false),
			cols(
				schema.Col("weight", schema.Float64, "kg", "weight", "Body weight."),
				schema.Col("body_fat", schema.Float64, "%", "body_fat", "Body fat."),
				schema.Col("lean_mass", schema.Float64, "%", "lean_mass", "Lean mass."),
				schema.Col("bmi", schema.Float64, "kg/m2", "bmi", "Body mass index."),
				schema.Col("waistline", schema.Float64, "", "waistline", "Waistline (unit undocumented; always null in recordings)."),
				schema.Col("note", schema.String, "", "note", "Free-text note."),
				schema.Col("image", schema.String, "", "image", "Relative URL of a photo."),
				schema.Col("shared", schema.Bool, "", "shared", "Shared with friends."),
			),
			placeCols(),
			tzCols("details.tz"),
		),
	}
	cardiac := &schema.TableDecl{
		Name: "cardiac_events", Endpoint: "cardiac_events", TimeColumn: "time_created",
		Description: "One row per heart rate / blood pressure reading (GET /users/@me/cardiac_events).",
		Columns: cat(
			eventHead("cardiac event", false),
			cols(
				schema.Col("heart_rate", schema.Int64, "bpm", "heart_rate", "Heart rate."),
				schema.Col("systolic_pressure", schema.Int64, "mmHg", "systolic_pressure", "Systolic blood pressure."),
				schema.Col("diastolic_pressure", schema.Int64, "mmHg", "diastolic_pressure", "Diastolic blood pressure."),
				schema.Col("shared", schema.Bool, "", "shared", "Shared with friends."),
			),
			placeCols(),
			tzCols("details.tz"),
		),
	}
	generic := &schema.TableDecl{
		Name: "generic_events", Endpoint: "generic_events", TimeColumn: "time_created",
		Description: `One row per custom ("generic") event (GET /users/@me/generic_events).`,
		Columns: cat(
			eventHead("custom event", false),
			cols(
				schema.Col("verb", schema.String, "", "verb", "Verb of the event."),
				schema.Col("attributes", schema.String, "", "attributes", "Attributes as JSON text.").As(schema.ConvJSON),
				schema.Col("note", schema.String, "", "note", "Free-text note."),
				schema.Col("image", schema.String, "", "image", "Relative URL of an image."),
				schema.Col("shared", schema.Bool, "", "shared", "Shared with friends."),
			),
			placeCols(),
			tzCols("details.tz"),
		),
	}
	mood := &schema.TableDecl{
		Name: "mood", Endpoint: "mood", TimeColumn: "time_created",
		Description: "One row per mood entry (GET /users/@me/mood, one day per call).",
		Columns: cat(
			eventHead("mood", false),
			cols(
				schema.Col("sub_type", schema.Int64, "", "sub_type", "1 Amazing, 2 Pumped UP, 3 Energized, 8 Good, 4 Meh, 5 Dragging, 6 Exhausted, 7 Totally Done."),
				schema.Col("shared", schema.Bool, "", "shared", "Shared with friends."),
			),
			tzCols("details.tz"),
		),
	}
	band := &schema.TableDecl{
		Name: "bandevents", Endpoint: "bandevents", TimeColumn: "time_created",
		Description: "One row per band mode change (GET /users/@me/bandevents).",
		Columns: cat(
			cols(
				userXIDCol(),
				schema.Col("time_created", schema.Timestamp, "", "time_created", "When it happened (UTC)."),
				schema.Col("date", schema.Date, "", "date", "Local date."),
				schema.Col("action", schema.String, "", "action", "enter_sleep_mode, exit_sleep_mode, enter_stopwatch_mode or exit_stopwatch_mode."),
			),
			tzCols("tz"),
		),
	}
	return []*schema.TableDecl{heartrates, body, cardiac, generic, mood, band}
}
