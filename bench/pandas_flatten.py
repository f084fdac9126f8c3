"""pandas peer of the benchmark, written as a notebook would: load the JSON
lines into Python objects, flatten them with pandas.json_normalize, type the
columns, write CSV.

    /usr/bin/python3 bench/pandas_flatten.py RAW_DIR OUT_DIR USER_XID

Reads RAW_DIR/moves.jsonl and RAW_DIR/moves_ticks.jsonl (the files upexport
--from-raw and DuckDB read) and writes moves.csv, moves_hourly.csv and
moves_ticks.csv with the columns of upexport's tables (docs/schema.md):
epoch seconds as UTC timestamps (RFC 3339), YYYYMMDD as dates, 0
sunrise/sunset as empty, each hourly_totals key read as local time in the
zone in force (latest details.tzs entry starting before the hour ends, else
details.tz; DST: a repeated hour takes its earlier instant, a skipped one is
shifted forward). Prints one JSON line with the row count of each table.
"""
import datetime
import json
import os
import sys

import pandas as pd

TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def zone(name):
    """A tzinfo for details.tz: an Olson name, "GMT-0700" or seconds as text."""
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return None
    name = str(name)
    if name.startswith("GMT") and len(name) == 8:
        sign = -1 if name[3] == "-" else 1
        off = sign * (int(name[4:6]) * 3600 + int(name[6:8]) * 60)
        return datetime.timezone(datetime.timedelta(seconds=off))
    try:
        return datetime.timezone(datetime.timedelta(seconds=int(name)))
    except ValueError:
        return name


def utc_of(local, zones):
    """UTC instants of local wall clocks, each read in its zone."""
    out = pd.Series(pd.NaT, index=local.index, dtype="datetime64[ns, UTC]")
    for name, idx in local.groupby(zones).groups.items():
        tz = zone(name)
        if tz is None:
            continue
        loc = local.loc[idx].dt.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
        out.loc[idx] = loc.dt.tz_convert("UTC")
    return out


def epoch_ts(s):
    return pd.to_datetime(s, unit="s", utc=True)


def main():
    raw, out, user_xid = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(raw, "moves.jsonl")) as f:
        moves = [json.loads(line) for line in f]

    # moves: details.* one level deep; hourly_totals and tzs stay objects.
    m = pd.json_normalize(moves, max_level=1)
    d = lambda c: m[c] if c in m else pd.Series(None, index=m.index, dtype=object)  # noqa: E731
    # details.tzs, [[start, zone], ...], sorted by start (the API does not
    # sort them); a zone may be a number of seconds.
    tzs = d("details.tzs").apply(lambda v: sorted((s, str(z)) for s, z in v) if isinstance(v, list) else [])
    created = m["time_created"]

    def offset_at(i):
        t = created[i]
        name = next((z for s, z in reversed(tzs[i]) if s <= t), m["details.tz"][i])
        tz = zone(name)
        if tz is None:
            return None
        return int(pd.Timestamp(t, unit="s", tz="UTC").tz_convert(tz).utcoffset().total_seconds())

    moves_df = pd.DataFrame({
        "user_xid": user_xid, "xid": m["xid"], "title": m["title"], "type": m["type"],
        "time_created": epoch_ts(m["time_created"]), "time_updated": epoch_ts(m["time_updated"]),
        "time_completed": epoch_ts(m["time_completed"]),
        "date": pd.to_datetime(m["date"].astype(str), format="%Y%m%d").dt.date,
        "snapshot_image": m["snapshot_image"],
    })
    for c in ["steps", "distance", "km", "active_time", "inactive_time", "longest_active", "longest_idle",
              "calories", "bmr_day", "bmr", "bg_calories", "wo_calories", "wo_time", "wo_active_time",
              "wo_count", "wo_longest"]:
        moves_df[c] = d("details." + c)
    for c in ["sunrise", "sunset"]:
        moves_df[c] = epoch_ts(d("details." + c).replace(0, None))
    moves_df["steps_3am"] = d("details.steps_3am").astype("Int64")
    moves_df["series_ids"] = d("details.series_ids").apply(
        lambda v: json.dumps(v, separators=(",", ":")) if isinstance(v, list) else None)
    moves_df["goals_steps"] = d("details.goals").apply(lambda g: g.get("steps") if isinstance(g, dict) else None)
    moves_df["tz"] = d("details.tz")
    moves_df["tz_offset"] = pd.Series([offset_at(i) for i in m.index], dtype="Int64")
    for c in ["inactive_time"]:
        moves_df[c] = moves_df[c].astype("Int64")
    moves_df.to_csv(os.path.join(out, "moves.csv"), index=False, date_format=TS_FORMAT)

    # moves_hourly: one record per hourly_totals key, flattened with
    # json_normalize(record_path=...).
    recs = [{"xid": mv["xid"], "tz": mv["details"].get("tz"),
             "hours": [dict(v, key=k) for k, v in (mv["details"].get("hourly_totals") or {}).items()]}
            for mv in moves]
    h = pd.json_normalize(recs, record_path="hours", meta=["xid", "tz"])
    local = pd.to_datetime(h["key"], format="%Y%m%d%H")
    # The zone in force: try each tzs entry of the move, latest first.
    tzs_by_xid = dict(zip(m["xid"], tzs))
    zones = h["tz"].copy()
    decided = pd.Series(False, index=h.index)
    depth = max((len(v) for v in tzs), default=0)
    for k in range(1, depth + 1):
        cand_zone = h["xid"].map(lambda x: tzs_by_xid[x][-k][1] if len(tzs_by_xid[x]) >= k else None)
        cand_start = h["xid"].map(lambda x: tzs_by_xid[x][-k][0] if len(tzs_by_xid[x]) >= k else None)
        todo = ~decided & cand_zone.notna()
        if todo.any():
            utc = utc_of(local[todo], cand_zone[todo])
            ok = cand_start[todo].astype("int64") < (utc.astype("int64") // 10**9 + 3600)
            ok = ok[ok].index
            zones.loc[ok] = cand_zone.loc[ok]
            decided.loc[ok] = True
    hour_start = utc_of(local, zones)
    hourly = pd.DataFrame({
        "user_xid": user_xid, "move_xid": h["xid"], "hour_start": hour_start,
        "date": local.dt.date, "local_hour": local.dt.hour, "tz": zones,
        "tz_offset": ((local - hour_start.dt.tz_localize(None)).dt.total_seconds()).astype("Int64"),
    })
    for c in ["steps", "distance", "active_time", "inactive_time", "calories", "longest_active_time",
              "longest_idle_time"]:
        hourly[c] = h[c]
    hourly.to_csv(os.path.join(out, "moves_hourly.csv"), index=False, date_format=TS_FORMAT)
    del moves, m, recs, h, hourly

    # moves_ticks: json_normalize(record_path="items") over every move's ticks.
    with open(os.path.join(raw, "moves_ticks.jsonl")) as f:
        ticks = [json.loads(line) for line in f]
    t = pd.json_normalize(ticks, record_path="items", meta=["parent_xid"])
    del ticks
    ticks_df = pd.DataFrame({
        "user_xid": user_xid, "move_xid": t["parent_xid"], "time": epoch_ts(t["time"]),
        "time_completed": epoch_ts(t["time_completed"]), "steps": t["steps"],
        "distance": t["distance"].astype("float64"), "active_time": t["active_time"],
        "calories": t["calories"].astype("float64"), "speed": t["speed"].astype("float64"),
        "aerobic": t["aerobic"].astype("boolean") if "aerobic" in t else pd.Series(pd.NA, index=t.index, dtype="boolean"),
    })
    ticks_df.to_csv(os.path.join(out, "moves_ticks.csv"), index=False, date_format=TS_FORMAT)
    print(json.dumps({"moves": len(moves_df), "moves_hourly": len(hour_start), "moves_ticks": len(ticks_df)}))


if __name__ == "__main__":
    main()
