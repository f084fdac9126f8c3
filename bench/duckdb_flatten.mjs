// duckdb_flatten.mjs: the DuckDB peer of the benchmark. Reads the unpacked
// archive (RAW/moves.jsonl, RAW/moves_ticks.jsonl) with read_json and writes
// the tables upexport writes from the same files, with COPY ... TO:
//
//   node bench/duckdb_flatten.mjs RAW_DIR OUT_DIR USER_XID [parquet|csv]
//
// moves        one row per move, details.* flattened, epoch seconds as
//              TIMESTAMPTZ, YYYYMMDD as DATE, 0 sunrise/sunset as NULL
// moves_hourly one row per details.hourly_totals key (unnest(map_entries)),
//              the YYYYMMDDHH key read as local time in the zone in force
//              (latest details.tzs entry starting before the hour ends,
//              else details.tz), as upexport does: an Olson name through
//              ICU, or a fixed "GMT+hhmm" offset
// moves_ticks  one row per tick (unnest(items))
//
// Prints one JSON line with the row count of each table. DuckDB uses every
// core (threads = nproc) and its default memory limit (80% of RAM).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
// @duckdb/node-api is installed by test-tools/install.sh (npm ci there).
const require = createRequire(join(here, '..', 'test-tools', 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const [raw, out, userXID, format = 'parquet'] = process.argv.slice(2);
if (!raw || !out || !userXID) {
  console.error('usage: node duckdb_flatten.mjs RAW_DIR OUT_DIR USER_XID [parquet|csv]');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;
const file = (name) => lit(resolve(raw, name));
const dest = (name) => lit(resolve(out, `${name}.${format}`));
const copyOpts = format === 'parquet' ? "(FORMAT parquet, COMPRESSION zstd)" : "(FORMAT csv, HEADER true)";

const hour = `STRUCT(steps BIGINT, distance DOUBLE, active_time BIGINT, inactive_time BIGINT, calories DOUBLE,
  longest_active_time BIGINT, longest_idle_time BIGINT)`;
const movesCols = `{xid: 'VARCHAR', title: 'VARCHAR', type: 'VARCHAR', time_created: 'BIGINT', time_updated: 'BIGINT',
  time_completed: 'BIGINT', date: 'BIGINT', snapshot_image: 'VARCHAR',
  details: 'STRUCT(steps BIGINT, distance DOUBLE, km DOUBLE, active_time BIGINT, inactive_time BIGINT,
    longest_active BIGINT, longest_idle BIGINT, calories DOUBLE, bmr_day DOUBLE, bmr DOUBLE, bg_calories DOUBLE,
    wo_calories DOUBLE, wo_time BIGINT, wo_active_time BIGINT, wo_count BIGINT, wo_longest BIGINT,
    sunrise BIGINT, sunset BIGINT, steps_3am BIGINT, series_ids JSON, goals STRUCT(steps BIGINT), tz VARCHAR,
    tzs JSON, hourly_totals MAP(VARCHAR, ${hour}))'}`;
const ticksCols = `{parent_xid: 'VARCHAR', items: 'STRUCT("time" BIGINT, time_completed BIGINT, steps BIGINT,
  distance DOUBLE, active_time BIGINT, calories DOUBLE, speed DOUBLE, aerobic BOOLEAN)[]'}`;
const readMoves = `read_json(${file('moves.jsonl')}, format = 'newline_delimited', columns = ${movesCols})`;
const readTicks = `read_json(${file('moves_ticks.jsonl')}, format = 'newline_delimited', columns = ${ticksCols})`;

const ts = (x) => `to_timestamp(${x})`;
// details.tzs, [[epoch, zone], ...], as a list of {start, zone}.
// Sorted by start (the API does not sort them).
const tzList = (x) => `list_sort(list_transform(CAST(${x} AS JSON[]),
  lambda e: {'start': CAST(json_extract(e, '$[0]') AS BIGINT), 'zone': json_extract_string(e, '$[1]')}))`;
const sql = {
  moves: `SELECT ${lit(userXID)} AS user_xid, xid, title, type, ${ts('time_created')} AS time_created,
      ${ts('time_updated')} AS time_updated, ${ts('time_completed')} AS time_completed,
      strptime(CAST(date AS VARCHAR), '%Y%m%d')::DATE AS date, snapshot_image,
      d.steps, d.distance, d.km, d.active_time, d.inactive_time, d.longest_active, d.longest_idle, d.calories,
      d.bmr_day, d.bmr, d.bg_calories, d.wo_calories, d.wo_time, d.wo_active_time, d.wo_count, d.wo_longest,
      ${ts('nullif(d.sunrise, 0)')} AS sunrise, ${ts('nullif(d.sunset, 0)')} AS sunset, d.steps_3am,
      CAST(d.series_ids AS VARCHAR) AS series_ids, d.goals.steps AS goals_steps, d.tz,
      epoch(local_of(coalesce(list_last(list_filter(${tzList('d.tzs')}, lambda e: e.start <= time_created)).zone,
        d.tz), ${ts('time_created')})) - time_created AS tz_offset
    FROM (SELECT *, details AS d FROM ${readMoves})`,
  moves_hourly: `SELECT ${lit(userXID)} AS user_xid, xid AS move_xid, utc_of(zone, local) AS hour_start,
      local::DATE AS date, hour(local) AS local_hour, zone AS tz,
      epoch(local) - epoch(utc_of(zone, local)) AS tz_offset,
      h.value.steps, h.value.distance, h.value.active_time, h.value.inactive_time, h.value.calories,
      h.value.longest_active_time, h.value.longest_idle_time
    FROM (SELECT xid, h, local, coalesce(list_last(list_filter(tzs,
        lambda e: e.start < epoch(utc_of(e.zone, local)) + 3600)).zone, tz) AS zone
      FROM (SELECT xid, tz, tzs, h, strptime(h.key, '%Y%m%d%H') AS local
        FROM (SELECT xid, details.tz AS tz, ${tzList('details.tzs')} AS tzs,
          unnest(map_entries(details.hourly_totals)) AS h FROM ${readMoves})))`,
  moves_ticks: `SELECT ${lit(userXID)} AS user_xid, parent_xid AS move_xid, ${ts('t."time"')} AS "time",
      ${ts('t.time_completed')} AS time_completed, t.steps, t.distance, t.active_time, t.calories, t.speed, t.aerobic
    FROM (SELECT parent_xid, unnest(items) AS t FROM ${readTicks})`,
};

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
// Timestamps are UTC instants, as upexport writes them.
await conn.run("SET TimeZone = 'UTC'");
// ICU knows Olson names but not "GMT-0600" or "-21600" (seconds): those
// are fixed offsets.
await conn.run(`CREATE MACRO fixed_off(tz) AS CASE
  WHEN tz LIKE 'GMT%' THEN (CASE WHEN substr(tz, 4, 1) = '-' THEN -1 ELSE 1 END)
    * (CAST(substr(tz, 5, 2) AS INTEGER) * 3600 + CAST(substr(tz, 7, 2) AS INTEGER) * 60)
  ELSE TRY_CAST(tz AS INTEGER) END`);
await conn.run(`CREATE MACRO utc_of(tz, local) AS CASE WHEN fixed_off(tz) IS NOT NULL
  THEN (local - to_seconds(fixed_off(tz)))::TIMESTAMPTZ ELSE timezone(tz, local) END`);
await conn.run(`CREATE MACRO local_of(tz, t) AS CASE WHEN fixed_off(tz) IS NOT NULL
  THEN t::TIMESTAMP + to_seconds(fixed_off(tz)) ELSE timezone(tz, t) END`);
const counts = {};
for (const [name, q] of Object.entries(sql)) {
  const r = await conn.runAndReadAll(`COPY (${q}) TO ${dest(name)} ${copyOpts}`);
  counts[name] = Number(r.getRowsJson()[0][0]);
}
console.log(JSON.stringify(counts));
