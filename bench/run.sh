#!/usr/bin/env bash
# Benchmarks upexport against the tools an analyst would use instead (issue 7).
#
#   bash bench/run.sh                      # 1, 3 and 10 years; writes bench/RESULTS.md
#   BENCH_DAYS=365 bash bench/run.sh       # a quick run on one year
#
# On the same plain JSON-lines files (the demo server's moves and their minute
# ticks, dumped once into bench/data/DAYS/.raw/*.jsonl), it times side by side:
#   upexport-parquet  upexport export --from-raw --format parquet (no network)
#   upexport-csv      upexport export --from-raw --format csv
#   duckdb-parquet    node + @duckdb/node-api: read_json + COPY TO parquet (bench/duckdb_flatten.mjs)
#   duckdb-csv        the same SQL, COPY TO csv
#   pandas-csv        /usr/bin/python3 + pandas.json_normalize, to_csv (bench/pandas_flatten.py)
# each producing the tables moves, moves_hourly and moves_ticks; the row counts
# of every tool must agree or the run fails. Then it times a full export
# (every endpoint, --ticks) over loopback HTTP from a separate demo-server
# process that adds BENCH_LATENCY to every API request, against the floor
# requests x latency / concurrency.
#
# Wall, CPU (user+sys) and peak RSS come from GNU time (/usr/bin/time -v;
# Debian package "time", installed here if missing). DuckDB and pandas come
# from test-tools/install.sh (npm ci there; python3-pandas from Debian).
#
# Environment:
#   BENCH_DAYS         sizes, in days of history (default "365 1095 3650")
#   BENCH_REPEAT       runs per measurement of upexport and DuckDB; the median
#                      wall time is reported (default 3; pandas runs once)
#   BENCH_PANDAS       0 skips pandas (default 1)
#   BENCH_E2E          0 skips the loopback HTTP export (default 1)
#   BENCH_LATENCY      latency the demo server adds per request (default 30ms)
#   BENCH_CONCURRENCY  upexport --concurrency for the HTTP export (default 4)
#   BENCH_DATA         where the dumped JSON lines are cached (default bench/data)
#   BENCH_OUT          the results file (default bench/RESULTS.md)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bench=$repo/bench
days_list=${BENCH_DAYS:-"365 1095 3650"}
repeat=${BENCH_REPEAT:-3}
run_pandas=${BENCH_PANDAS:-1}
run_e2e=${BENCH_E2E:-1}
latency=${BENCH_LATENCY:-30ms}
concurrency=${BENCH_CONCURRENCY:-4}
data=${BENCH_DATA:-$bench/data}
results_md=${BENCH_OUT:-$bench/RESULTS.md}
python=/usr/bin/python3 # Debian's, with python3-pandas (a pyenv python on PATH lacks it)

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: FAIL: %s\n' "$*" >&2; exit 1; }

# --- prerequisites --------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
	say "installing GNU time (Debian package 'time') for /usr/bin/time -v"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time
fi
command -v node >/dev/null || die "node is needed for DuckDB (@duckdb/node-api)"
command -v curl >/dev/null || die "curl is needed to approve the demo login"
say "installing the peers (test-tools/install.sh: @duckdb/node-api, python3-pandas)"
sh "$repo/test-tools/install.sh" >&2

mkdir -p "$data"
work=$(mktemp -d "$data/run.XXXXXX") # beside the data: --from-raw hard-links the archive
server_pid=""
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

say "building upexport"
upx=$work/upexport
(cd "$repo" && go build -o "$upx" ./cmd/upexport)
(cd "$repo" && go build -o "$work/unpack" ./bench/unpack)

results=$work/results.jsonl
: >"$results"
loadavg() { echo "{\"loadavg\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"when\": \"$1\"}" >>"$results"; }
loadavg start

# --- 1. the JSON-lines files, dumped once ----------------------------------
for days in $days_list; do
	raw=$data/$days/.raw
	if [ -s "$raw/moves_ticks.jsonl" ] && [ -s "$raw/moves.jsonl" ] && [ -s "$raw/state.json" ]; then
		echo "bench: $raw: cached" >&2
		continue
	fi
	say "dumping $days days of moves with ticks from the demo server into $raw"
	rm -rf "$data/$days" "$work/dump"
	"$upx" export --demo --demo-days "$days" --ticks --endpoints moves --format csv --out "$work/dump" --quiet
	"$work/unpack" "$work/dump/.raw" "$raw"
	rm -rf "$work/dump"
done

# --- measuring --------------------------------------------------------------
# measure TOOL DAYS RUN OUTDIR CMD...: runs CMD under /usr/bin/time -v, with
# OUTDIR emptied first; appends one JSON line per run to $results, with the
# table row counts that counts_TOOL reads from the run's output.
measure() {
	local tool=$1 days=$2 run=$3 outdir=$4
	shift 4
	rm -rf "$outdir"
	local tv=$work/time.txt log=$work/$tool-$days.log
	if ! /usr/bin/time -v -o "$tv" "$@" >"$log" 2>&1; then
		cat "$log" >&2
		die "$tool on $days days failed"
	fi
	local counts
	counts=$("counts_${tool%%-*}" "$outdir" "$log")
	"$python" - "$tv" "$tool" "$days" "$run" "$counts" "$log" >>"$results" <<'EOF'
import json, re, sys
tv, tool, days, run, counts, log = sys.argv[1:7]
t = open(tv).read()
def field(name):
    return re.search(re.escape(name) + r": (.*)", t).group(1).strip()
wall = 0.0
for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
    wall = wall * 60 + float(part)
row = {"tool": tool, "days": int(days), "run": int(run), "wall": wall,
       "user": float(field("User time (seconds)")), "sys": float(field("System time (seconds)")),
       "rss_kb": int(field("Maximum resident set size (kbytes)")), "counts": json.loads(counts)}
# The summary writes counts with thousands separators ("2,617 requests").
m = re.search(r"([\d,]+) requests, ([\d,]+) retries", open(log).read())
if m:
    row["requests"], row["retries"] = int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))
print(json.dumps(row))
EOF
	tail -n 1 "$results" >&2
}

# Row counts of moves, moves_hourly and moves_ticks, as JSON.
counts_upexport() {
	"$python" -c '
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
rows = {t["name"]: t["rows"] for t in m["tables"]}
print(json.dumps({k: rows.get(k, 0) for k in ("moves", "moves_hourly", "moves_ticks")}))' "$1"
}
counts_duckdb() { tail -n 1 "$2"; }
counts_pandas() { tail -n 1 "$2"; }
counts_e2e() {
	"$python" -c '
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
print(json.dumps({t["name"]: t["rows"] for t in m["tables"]}))' "$1"
}

# --- 2. flattening the same files ---------------------------------------------
for days in $days_list; do
	src=$data/$days
	user=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["user_xid"])' "$src/.raw/state.json")
	for run in $(seq 1 "$repeat"); do
		say "$days days, run $run/$repeat"
		measure upexport-parquet "$days" "$run" "$work/o-up-pq" \
			"$upx" export --from-raw "$src" --format parquet --ticks --out "$work/o-up-pq" --quiet
		measure upexport-csv "$days" "$run" "$work/o-up-csv" \
			"$upx" export --from-raw "$src" --format csv --ticks --out "$work/o-up-csv" --quiet
		measure duckdb-parquet "$days" "$run" "$work/o-dk-pq" \
			node "$bench/duckdb_flatten.mjs" "$src/.raw" "$work/o-dk-pq" "$user" parquet
		measure duckdb-csv "$days" "$run" "$work/o-dk-csv" \
			node "$bench/duckdb_flatten.mjs" "$src/.raw" "$work/o-dk-csv" "$user" csv
	done
	if [ "$run_pandas" = 1 ]; then
		say "$days days, pandas"
		measure pandas-csv "$days" 1 "$work/o-pd" \
			"$python" "$bench/pandas_flatten.py" "$src/.raw" "$work/o-pd" "$user"
		# pandas writes what upexport writes: the CSV files are compared byte
		# for byte, as a check of both (not a condition of the benchmark).
		for t in moves moves_hourly moves_ticks; do
			if cmp -s "$work/o-pd/$t.csv" "$work/o-up-csv/$t.csv"; then
				echo "bench: $days days: $t.csv of pandas and upexport are byte-identical" >&2
				echo "{\"identical\": \"$t\", \"days\": $days}" >>"$results"
			else
				echo "bench: $days days: $t.csv of pandas and upexport differ (rows are counted, not compared)" >&2
			fi
		done
	fi
	rm -rf "$work"/o-*
	"$python" "$bench/report.py" --results "$results" --check-counts ||
		die "the tools disagree on row counts at $days days: the comparison is void"
	echo "bench: $days days: every tool produced the same row counts" >&2
done

# --- 3. end to end over loopback HTTP ----------------------------------------------
if [ "$run_e2e" = 1 ]; then
	for days in $days_list; do
		say "$days days: full export over loopback HTTP, $latency per request, --concurrency $concurrency"
		"$upx" demo-server --addr 127.0.0.1:0 --days "$days" --auto-approve --fault-slow "$latency" \
			>"$work/server.json" 2>"$work/server.log" &
		server_pid=$!
		for _ in $(seq 100); do [ -s "$work/server.json" ] && break; sleep 0.1; done
		[ -s "$work/server.json" ] || die "the demo server printed nothing: $(cat "$work/server.log")"
		eval "$("$python" -c '
import json, shlex, sys
d = json.load(open(sys.argv[1]))
for k in ("api_url", "auth_url", "token_url", "client_id", "client_secret"):
    print("srv_%s=%s" % (k, shlex.quote(d[k])))' "$work/server.json")"
		export UPEXPORT_API_URL=$srv_api_url UPEXPORT_AUTH_URL=$srv_auth_url UPEXPORT_TOKEN_URL=$srv_token_url \
			UPEXPORT_CLIENT_ID=$srv_client_id UPEXPORT_CLIENT_SECRET=$srv_client_secret \
			UPEXPORT_TOKEN_FILE=$work/token.json
		# The loopback login, approved by the server itself (--auto-approve);
		# the "browser" follows the redirect with curl.
		BROWSER=$bench/fakebrowser.sh "$upx" login --timeout 30s >"$work/login.log" 2>&1 ||
			die "login to the demo server failed: $(cat "$work/login.log")"
		measure e2e "$days" 1 "$work/o-e2e" \
			"$upx" export --ticks --concurrency "$concurrency" --out "$work/o-e2e"
		kill "$server_pid"
		wait "$server_pid" 2>/dev/null || true
		server_pid=""
		rm -rf "$work/o-e2e" "$work/token.json"
		unset UPEXPORT_API_URL UPEXPORT_AUTH_URL UPEXPORT_TOKEN_URL UPEXPORT_CLIENT_ID UPEXPORT_CLIENT_SECRET UPEXPORT_TOKEN_FILE
	done
fi

# --- 4, 5. the report -------------------------------------------------------------
loadavg end
say "report"
"$python" "$bench/report.py" --results "$results" --data "$data" --out "$results_md" \
	--latency "$latency" --concurrency "$concurrency" --repo "$repo"
cp "$results" "$data/last-results.jsonl"
echo "bench: wrote $results_md (raw measurements: $data/last-results.jsonl)" >&2
