// duckdb-check.mjs: read an upexport export with DuckDB (a reader upexport
// did not write) and check it against manifest.json.
//
//   node duckdb-check.mjs [--fingerprints out.json] EXPORT_DIR
//
// For every Parquet and CSV file: the row count equals the manifest's, the
// columns come back in order with the declared types (TIMESTAMP WITH TIME
// ZONE, DATE, BIGINT, DOUBLE, VARCHAR, BOOLEAN), with no arguments beyond
// the path. Parquet files must carry the upexport.columns key-value
// metadata. A partitioned table is also read as one hive dataset, whose
// row count must equal the table's. CSV files are read a second time with
// the manifest's types to catch values the sniffer would paper over.
//
// --fingerprints writes, per table, the row count and an order-independent
// hash of every column (empty strings count as null, as CSV cannot tell
// them apart), so a caller can check two exports hold the same values.
//
// Prints one PASS/FAIL line per check and a summary line; exits 1 on any
// failure.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const expected = {
  int64: 'BIGINT', float64: 'DOUBLE', bool: 'BOOLEAN', string: 'VARCHAR',
  timestamp: 'TIMESTAMP WITH TIME ZONE', date: 'DATE',
};

const args = process.argv.slice(2);
let fpOut = null;
if (args[0] === '--fingerprints') { fpOut = args[1]; args.splice(0, 2); }
if (args.length !== 1) {
  console.error('usage: node duckdb-check.mjs [--fingerprints out.json] EXPORT_DIR');
  process.exit(2);
}
const dir = args[0];
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const q = async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJson();
const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;
const ident = (s) => `"${String(s).replaceAll('"', '""')}"`;

let failures = 0, checks = 0;
function report(ok, what, detail) {
  checks++;
  if (!ok) failures++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}${detail ? ': ' + detail : ''}`);
}

// checkColumns compares DESCRIBE output with the manifest. For CSV, a
// column with no values at all cannot be typed by any sniffer, so it is
// allowed to come back as VARCHAR; and a text column whose every value
// reads as a number or date (ids such as 36300001, versions such as
// 2.1.3) is typed so by any sniffer, whatever the writer does, so that
// too is allowed: the manifest-typed read below checks such columns.
async function checkColumns(what, from, cols, allowEmptyVarchar) {
  const desc = await q(`DESCRIBE SELECT * FROM ${from}`);
  const got = desc.map((r) => [r.column_name, r.column_type]);
  const problems = [];
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i], want = expected[c.type];
    if (!got[i] || got[i][0] !== c.name) { problems.push(`column ${i} is ${got[i] && got[i][0]}, want ${c.name}`); continue; }
    if (got[i][1] === want) continue;
    if (allowEmptyVarchar && want === 'VARCHAR') continue;
    if (allowEmptyVarchar && got[i][1] === 'VARCHAR') {
      const [{ n }] = await q(`SELECT count(${ident(c.name)})::INTEGER AS n FROM ${from}`);
      if (n === 0) continue;
    }
    problems.push(`${c.name} is ${got[i][1]}, want ${want}`);
  }
  report(problems.length === 0, what + ' types', problems.join('; '));
}

async function checkCount(what, from, want) {
  const [{ n }] = await q(`SELECT count(*)::BIGINT AS n FROM ${from}`);
  report(BigInt(n) === BigInt(want), what + ' rows', `${n} (manifest ${want})`);
}

function csvTypes(cols) {
  return '{' + cols.map((c) => `${lit(c.name)}: ${lit(expected[c.type])}`).join(', ') + '}';
}

async function fingerprint(from, cols) {
  const parts = ['count(*)::VARCHAR AS "rows"'];
  for (const c of cols) {
    let v = ident(c.name);
    if (c.type === 'string') v = `nullif(${v}, '')`;
    parts.push(`concat(count(${v}), ':', coalesce(sum(hash(${v}))::VARCHAR, '0')) AS ${ident(c.name)}`);
  }
  const [row] = await q(`SELECT ${parts.join(', ')} FROM ${from}`);
  return row;
}

const fingerprints = {};
for (const t of manifest.tables) {
  let fpFrom = null;
  for (const f of t.files) {
    const path = join(dir, f.path);
    if (f.path.endsWith('.parquet')) {
      const from = `read_parquet(${lit(path)})`;
      await checkCount(f.path, from, f.rows);
      await checkColumns(f.path, from, t.columns, false);
      const kv = await q(`SELECT decode(key) AS k FROM parquet_kv_metadata(${lit(path)})`);
      report(kv.some((r) => r.k === 'upexport.columns'), f.path + ' metadata', 'upexport.columns key');
      fpFrom = fpFrom || `read_parquet(${lit(path)})`;
    } else if (/\.csv(\.gz)?$/.test(f.path)) {
      // A header-only file is ambiguous to any sniffer (is the one line a
      // header or a row?), so empty files are read with header = true.
      const from = f.rows === 0 ? `read_csv(${lit(path)}, header = true)` : `read_csv(${lit(path)})`;
      await checkCount(f.path, from, f.rows);
      await checkColumns(f.path, from, t.columns, true);
      const typed = `read_csv(${lit(path)}, header = true, columns = ${csvTypes(t.columns)})`;
      await checkCount(f.path + ' (manifest types)', typed, f.rows);
      fpFrom = fpFrom || typed;
    } else {
      continue; // XLSX is pandas' job
    }
  }
  const partitioned = t.files.filter((f) => f.partition);
  if (partitioned.length > 0) {
    const ext = partitioned[0].path.replace(/^.*?(\.parquet|\.csv\.gz|\.csv)$/, '$1');
    const glob = lit(join(dir, t.name, '**', '*' + ext));
    const from = ext === '.parquet'
      ? `read_parquet(${glob}, hive_partitioning = true)`
      : `read_csv(${glob}, hive_partitioning = true, header = true, columns = ${csvTypes(t.columns)})`;
    await checkCount(`${t.name}/ (hive dataset)`, from, t.rows);
    await checkColumns(`${t.name}/ (hive dataset)`, from, t.columns, false);
    const desc = await q(`DESCRIBE SELECT * FROM ${from}`);
    const names = desc.map((r) => r.column_name);
    report(names.includes('year'), `${t.name}/ (hive dataset) partition column`, names.slice(t.columns.length).join(', '));
    if (t.time_column) {
      const [{ bad }] = await q(`SELECT count(*)::BIGINT AS bad FROM ${from}
        WHERE (year IS NULL) <> (${ident(t.time_column)} IS NULL)
           OR year::BIGINT <> extract(year FROM ${ident(t.time_column)}::TIMESTAMPTZ AT TIME ZONE 'UTC')`);
      report(BigInt(bad) === 0n, `${t.name}/ (hive dataset) partition values`, `${bad} rows in the wrong year`);
    }
    fpFrom = from;
  }
  if (fpFrom && (t.files.length === 1 || partitioned.length > 0)) {
    fingerprints[t.name] = await fingerprint(fpFrom, t.columns);
  }
}

if (fpOut) writeFileSync(fpOut, JSON.stringify(fingerprints, null, 2) + '\n');
console.log(`duckdb-check ${dir}: ${failures === 0 ? 'PASS' : 'FAIL'} (${checks} checks, ${failures} failed)`);
conn.closeSync();
process.exit(failures === 0 ? 0 : 1);
