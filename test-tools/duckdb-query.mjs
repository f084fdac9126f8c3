// duckdb-query.mjs: run one SQL query with DuckDB in a directory and print
// its result, for tests (and people) that query several exports at once.
//
//   node duckdb-query.mjs DIR SQL
//
// Relative paths in SQL (read_parquet('*/common_daily_activity.parquet'))
// are read from DIR. Prints the column names, tab-separated, then one line
// per row; null prints as NULL. Exits 1 when the query fails.
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
if (args.length !== 2) {
  console.error('usage: node duckdb-query.mjs DIR SQL');
  process.exit(2);
}
process.chdir(args[0]);
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
try {
  const reader = await conn.runAndReadAll(args[1]);
  console.log(reader.columnNames().join('\t'));
  for (const row of reader.getRowsJson()) {
    console.log(row.map((v) => (v === null ? 'NULL' : String(v))).join('\t'));
  }
} catch (e) {
  console.error(`duckdb-query: ${e.message}`);
  process.exit(1);
}
