package jawbone

import "github.com/upexport/upexport/schema"

// Column groups shared by many tables. Each returns fresh values.

func userXIDCol() schema.ColumnDecl {
	return schema.Derived("user_xid", schema.String, "", "meta.user_xid",
		"xid of the person the export belongs to; on every row so exports of many people concatenate.", schema.DeriveUserID)
}

func parentXIDCol(name, parent string) schema.ColumnDecl {
	return schema.Derived(name, schema.String, "", "xid of the parent item",
		"xid of the "+parent+" item this row belongs to.", schema.DeriveParentID)
}

// tzCols are the original zone text and its resolved offset. The offset is
// taken at time_created, from the details.tzs entry in force then when the
// item has tzs, else from tz.
func tzCols(path string) []schema.ColumnDecl {
	return []schema.ColumnDecl{
		schema.Col("tz", schema.String, "", path,
			`Time zone as given: an Olson name, "GMT-0700", or integer seconds as text.`).As(schema.ConvZoneText),
		schema.Derived("tz_offset", schema.Int64, "s", path+" at time_created",
			"UTC offset in force at time_created (tzs entry in force, else tz); null if the zone is missing or unknown.", schema.DeriveZoneOffset),
	}
}

func placeCols() []schema.ColumnDecl {
	return []schema.ColumnDecl{
		schema.Col("place_lat", schema.Float64, "deg", "place_lat", `Latitude; numbers, numeric strings and "" (null) accepted.`).As(schema.ConvLooseFloat),
		schema.Col("place_lon", schema.Float64, "deg", "place_lon", `Longitude; numbers, numeric strings and "" (null) accepted.`).As(schema.ConvLooseFloat),
		schema.Col("place_acc", schema.Float64, "m", "place_acc", `Location accuracy; numbers, numeric strings and "" (null) accepted.`).As(schema.ConvLooseFloat),
		schema.Col("place_name", schema.String, "", "place_name", "Place name."),
	}
}

// eventHead is the start of every event item: id, title, type and times.
func eventHead(kind string, completed bool) []schema.ColumnDecl {
	cs := []schema.ColumnDecl{
		userXIDCol(),
		schema.Col("xid", schema.String, "", "xid", "Unique id of the "+kind+"."),
		schema.Col("title", schema.String, "", "title", "Title as shown in the app."),
		schema.Col("type", schema.String, "", "type", `Item type ("`+kind+`"); often missing.`),
		schema.Col("time_created", schema.Timestamp, "", "time_created", "When the "+kind+" started or was logged (UTC)."),
		schema.Col("time_updated", schema.Timestamp, "", "time_updated", "Last update of the item (UTC)."),
	}
	if completed {
		cs = append(cs, schema.Col("time_completed", schema.Timestamp, "", "time_completed", "When the "+kind+" ended (UTC)."))
	}
	return append(cs, schema.Col("date", schema.Date, "", "date", "Local date of the item (YYYYMMDD in the source)."))
}

func cat(groups ...[]schema.ColumnDecl) []schema.ColumnDecl {
	var out []schema.ColumnDecl
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func cols(cs ...schema.ColumnDecl) []schema.ColumnDecl { return cs }

// tzsDecl declares the <parent>_tzs child of a table whose details may hold tzs.
func tzsDecl(parent, endpoint, parentCol, kind string) *schema.TableDecl {
	return &schema.TableDecl{
		Name: parent + "_tzs", Endpoint: endpoint, Parent: parent,
		Description: "One row per details.tzs entry of a " + kind + ": the zones in force during the item, from their start.",
		TimeColumn:  "start_time",
		RowPath:     "details.tzs[]",
		Child:       schema.ChildZoneChanges, Source: "details.tzs",
		Columns: cols(
			userXIDCol(),
			parentXIDCol(parentCol, kind),
			schema.Derived("start_time", schema.Timestamp, "", "details.tzs[][0]", "When this zone came into force (UTC).", schema.DeriveZoneChangeStart),
			schema.Derived("tz", schema.String, "", "details.tzs[][1]", `Zone as given: Olson name, "GMT-0700", or integer seconds as text.`, schema.DeriveZoneChangeZone),
			schema.Derived("tz_offset", schema.Int64, "s", "details.tzs[][1] at [0]", "UTC offset of the zone at start_time; null if unknown.", schema.DeriveZoneChangeOffset),
		),
	}
}
