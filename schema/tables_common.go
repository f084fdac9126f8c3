package schema

// Column groups shared by many tables. Each returns fresh values.

func userXIDCol() colDecl {
	return derived("user_xid", String, "", "meta.user_xid",
		"xid of the person the export belongs to; on every row so exports of many people concatenate.", deriveUserXID)
}

func parentXIDCol(name, parent string) colDecl {
	return derived(name, String, "", "xid of the parent item",
		"xid of the "+parent+" item this row belongs to.", deriveParentXID)
}

// tzCols are the original zone text and its resolved offset. The offset is
// taken at time_created, from the details.tzs entry in force then when the
// item has tzs, else from tz.
func tzCols(path string) []colDecl {
	return []colDecl{
		col("tz", String, "", path,
			`Time zone as given: an Olson name, "GMT-0700", or integer seconds as text.`).as(convTZText),
		derived("tz_offset", Int64, "s", path+" at time_created",
			"UTC offset in force at time_created (tzs entry in force, else tz); null if the zone is missing or unknown.", deriveTZOffset),
	}
}

func placeCols() []colDecl {
	return []colDecl{
		col("place_lat", Float64, "deg", "place_lat", `Latitude; numbers, numeric strings and "" (null) accepted.`).as(convLooseFloat),
		col("place_lon", Float64, "deg", "place_lon", `Longitude; numbers, numeric strings and "" (null) accepted.`).as(convLooseFloat),
		col("place_acc", Float64, "m", "place_acc", `Location accuracy; numbers, numeric strings and "" (null) accepted.`).as(convLooseFloat),
		col("place_name", String, "", "place_name", "Place name."),
	}
}

// eventHead is the start of every event item: id, title, type and times.
func eventHead(kind string, completed bool) []colDecl {
	cs := []colDecl{
		userXIDCol(),
		col("xid", String, "", "xid", "Unique id of the "+kind+"."),
		col("title", String, "", "title", "Title as shown in the app."),
		col("type", String, "", "type", `Item type ("`+kind+`"); often missing.`),
		col("time_created", Timestamp, "", "time_created", "When the "+kind+" started or was logged (UTC)."),
		col("time_updated", Timestamp, "", "time_updated", "Last update of the item (UTC)."),
	}
	if completed {
		cs = append(cs, col("time_completed", Timestamp, "", "time_completed", "When the "+kind+" ended (UTC)."))
	}
	return append(cs, col("date", Date, "", "date", "Local date of the item (YYYYMMDD in the source)."))
}

func cat(groups ...[]colDecl) []colDecl {
	var out []colDecl
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func cols(cs ...colDecl) []colDecl { return cs }

// tzsDecl declares the <parent>_tzs child of a table whose details may hold tzs.
func tzsDecl(parent, endpoint, parentCol, kind string) *tableDecl {
	return &tableDecl{
		name: parent + "_tzs", endpoint: endpoint, parent: parent,
		desc:       "One row per details.tzs entry of a " + kind + ": the zones in force during the item, from their start.",
		timeColumn: "start_time",
		rowPath:    "details.tzs[]",
		kind:       childTzs, source: "details.tzs",
		cols: cols(
			userXIDCol(),
			parentXIDCol(parentCol, kind),
			derived("start_time", Timestamp, "", "details.tzs[][0]", "When this zone came into force (UTC).", deriveTzsStart),
			derived("tz", String, "", "details.tzs[][1]", `Zone as given: Olson name, "GMT-0700", or integer seconds as text.`, deriveTzsTZ),
			derived("tz_offset", Int64, "s", "details.tzs[][1] at [0]", "UTC offset of the zone at start_time; null if unknown.", deriveTzsOffset),
		),
	}
}
