package jawbone

import "github.com/upexport/upexport/schema"

// Sleeps (§6.3, §6.4) and workouts (§6.5, §6.2).

func sleepsDecls() []*schema.TableDecl {
	sleeps := &schema.TableDecl{
		Name: "sleeps", Endpoint: "sleeps", TimeColumn: "time_created",
		Description: "One row per sleep or nap (GET /users/@me/sleeps).",
		Columns: cat(
			eventHead("sleep", true),
			cols(
				schema.Col("sub_type", schema.Int64, "", "sub_type", "0 normal sleep, 1 power nap, 2 nap."),
				schema.Col("shared", schema.Bool, "", "shared", "Shared with friends."),
				schema.Col("snapshot_image", schema.String, "", "snapshot_image", "Relative URL of the sleep image."),
			),
			placeCols(),
			cols(
				schema.Col("asleep_time", schema.Timestamp, "", "details.asleep_time", "When the person fell asleep (UTC); 0 becomes null.").As(schema.ConvZeroNull),
				schema.Col("awake_time", schema.Timestamp, "", "details.awake_time", "When the person woke up (UTC); 0 becomes null.").As(schema.ConvZeroNull),
				schema.Col("duration", schema.Int64, "s", "details.duration", "Time in bed."),
				schema.Col("awake", schema.Int64, "s", "details.awake", "Time awake."),
				schema.Col("light", schema.Int64, "s", "details.light", "Light sleep."),
				schema.Col("sound", schema.Int64, "s", "details.sound",
					"Sound (deep) sleep: details.sound (v1.1), or details.deep in v1.0 records, which v1.1 renamed.").Or("details.deep"),
				schema.Col("rem", schema.Int64, "s", "details.rem", "REM sleep (always 0)."),
				schema.Col("awakenings", schema.Int64, "", "details.awakenings", "Times woken up."),
				schema.Col("quality", schema.Int64, "%", "details.quality", "Sleep quality score 0-100."),
				schema.Col("smart_alarm_fire", schema.Timestamp, "", "details.smart_alarm_fire", "When the smart alarm fired (UTC); 0 (none) becomes null.").As(schema.ConvZeroNull),
				schema.Col("body", schema.Int64, "", "details.body", "Undocumented, always 0."),
				schema.Col("mind", schema.Int64, "", "details.mind", "Undocumented, always 0."),
				schema.Col("sunrise", schema.Timestamp, "", "details.sunrise", "Sunrise (UTC); 0 becomes null.").As(schema.ConvZeroNull),
				schema.Col("sunset", schema.Timestamp, "", "details.sunset", "Sunset (UTC); 0 becomes null.").As(schema.ConvZeroNull),
			),
			tzCols("details.tz"),
		),
	}
	ticks := &schema.TableDecl{
		Name: "sleeps_ticks", Endpoint: "sleeps_ticks", Parent: "sleeps", TimeColumn: "time",
		Description: "One row per tick of GET /sleeps/{xid}/ticks: each marks a change of sleep phase.",
		Shape:       schema.ShapeChildGroup,
		Columns: cols(
			userXIDCol(),
			parentXIDCol("sleep_xid", "sleep"),
			schema.Col("time", schema.Timestamp, "", "time", "When the phase began (UTC)."),
			schema.Col("depth", schema.Int64, "", "depth", "Phase from then on: 1 awake, 2 light, 3 deep (sound)."),
		),
	}
	return []*schema.TableDecl{sleeps, tzsDecl("sleeps", "sleeps", "sleep_xid", "sleep"), ticks}
}

func workoutsDecls() []*schema.TableDecl {
	workouts := &schema.TableDecl{
		Name: "workouts", Endpoint: "workouts", TimeColumn: "time_created",
		Description: "One row per workout (GET /users/@me/workouts).",
		Columns: cat(
			eventHead("workout", true),
			cols(
				schema.Col("sub_type", schema.Int64, "", "sub_type", "Activity: 1 walk, 2 run, 3 lift weights, 4 cross train, ... 14 bike, ... 29 other."),
				schema.Col("shared", schema.Bool, "", "shared", "Shared with friends."),
				schema.Col("route", schema.String, "", "route", "Relative URL of the route image."),
				schema.Col("image", schema.String, "", "image", "Relative URL of the workout photo."),
				schema.Col("snapshot_image", schema.String, "", "snapshot_image", "Relative URL of the workout graph."),
				schema.Col("reaction", schema.String, "", "reaction", "Reactions as JSON (usually null).").As(schema.ConvJSON),
			),
			placeCols(),
			cols(
				schema.Col("steps", schema.Int64, "", "details.steps", "Steps during the workout."),
				schema.Col("time", schema.Int64, "s", "details.time", "Duration."),
				schema.Col("bg_active_time", schema.Int64, "s", "details.bg_active_time", "Band-measured active time."),
				schema.Col("meters", schema.Float64, "m", "details.meters", "Distance."),
				schema.Col("km", schema.Float64, "km", "details.km", "Distance."),
				schema.Col("intensity", schema.Int64, "", "details.intensity", "Intensity 1 easy ... 5 hard; often null."),
				schema.Col("calories", schema.Float64, "kcal", "details.calories", "Calories burned."),
				schema.Col("bmr", schema.Float64, "kcal", "details.bmr", "Basal calories during the workout."),
				schema.Col("bg_calories", schema.Float64, "kcal", "details.bg_calories", "Band-measured calories."),
				schema.Col("bmr_calories", schema.Float64, "kcal", "details.bmr_calories", "Basal calories."),
				schema.Col("goal", schema.Int64, "", "details.goal", "Workout goal."),
				schema.Col("details_place_acc", schema.Float64, "m", "details.place_acc", "Location accuracy in details (clashes with place_acc).").As(schema.ConvLooseFloat),
			),
			tzCols("details.tz"),
		),
	}
	return []*schema.TableDecl{
		workouts,
		tzsDecl("workouts", "workouts", "workout_xid", "workout"),
		ticksDecl("workouts", "workout_xid", "workout"),
	}
}
