"""Summarise bench/run.sh's measurements: print the tables and write
bench/RESULTS.md.

    /usr/bin/python3 bench/report.py --results RESULTS.jsonl --data bench/data --out bench/RESULTS.md \\
        --latency 30ms --concurrency 4 --repo .
    /usr/bin/python3 bench/report.py --results RESULTS.jsonl --check-counts   # only check row counts

Every measurement is one JSON line: tool, days, run, wall, user, sys (s),
rss_kb, counts (rows per table) and for the HTTP export requests. Of
repeated runs the one with the median wall time is reported. Exits 1 if the
tools disagree on a row count: the comparison would be void.
"""
import argparse
import collections
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

TABLES = ("moves", "moves_hourly", "moves_ticks")
LOADAVG = {}
FLATTEN_TOOLS = ("upexport-parquet", "duckdb-parquet", "upexport-csv", "duckdb-csv", "pandas-csv")


def load(path):
    runs, identical = [], collections.defaultdict(set)
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if "loadavg" in r:
                LOADAVG[r["when"]] = r["loadavg"]
            elif "identical" in r:
                identical[r["days"]].add(r["identical"])
            else:
                runs.append(r)
    return runs, identical


def check_counts(runs):
    """Every flattening tool must report the same rows per table per size."""
    by_days = collections.defaultdict(dict)
    bad = []
    for r in runs:
        if r["tool"] not in FLATTEN_TOOLS:
            continue
        got = tuple(r["counts"].get(t) for t in TABLES)
        seen = by_days[r["days"]]
        seen.setdefault(got, set()).add(r["tool"])
    for days, seen in sorted(by_days.items()):
        if len(seen) != 1:
            desc = "; ".join(f"{'/'.join(sorted(tools))}: {dict(zip(TABLES, c))}" for c, tools in seen.items())
            bad.append(f"{days} days: the tools disagree on row counts: {desc}")
    return bad


def pick(runs):
    """(tool, days) -> the run with the median wall time."""
    groups = collections.defaultdict(list)
    for r in runs:
        groups[(r["tool"], r["days"])].append(r)
    out = {}
    for k, rs in groups.items():
        rs.sort(key=lambda r: r["wall"])
        out[k] = dict(rs[(len(rs) - 1) // 2], n=len(rs), walls=[r["wall"] for r in rs])
    return out


def seconds(s):
    m = re.fullmatch(r"([\d.]+)(ms|s)", s)
    if not m:
        raise SystemExit(f"report: bad latency {s!r}")
    return float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)


def sh(*cmd, cwd=None):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine(repo):
    cpu = "?"
    for line in sh("lscpu").splitlines():
        if line.startswith("Model name:"):
            cpu = line.split(":", 1)[1].strip()
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    duck = sh("node", "-p", "require('./test-tools/node_modules/@duckdb/node-api/package.json').version", cwd=repo)
    py = "/usr/bin/python3"
    return [
        ("CPUs (nproc)", sh("nproc")),
        ("CPU model", cpu),
        ("RAM", mem),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Go", sh("go", "version")),
        ("upexport", sh("git", "describe", "--always", "--dirty", cwd=repo) + " (git)"),
        ("DuckDB", f"@duckdb/node-api {duck} on node {sh('node', '--version')}"),
        ("pandas", sh(py, "-c", "import pandas, numpy, sys; print('pandas', pandas.__version__, "
                             "'numpy', numpy.__version__, 'python', sys.version.split()[0])")),
    ]


def fmt_s(x):
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--check-counts", action="store_true")
    ap.add_argument("--data")
    ap.add_argument("--out")
    ap.add_argument("--latency", default="30ms")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--repo", default=".")
    a = ap.parse_args()

    runs, identical = load(a.results)
    bad = check_counts(runs)
    for b in bad:
        print("report: FAIL: " + b, file=sys.stderr)
    if a.check_counts:
        sys.exit(1 if bad else 0)

    best = pick(runs)
    days_all = sorted({r["days"] for r in runs if r["tool"] in FLATTEN_TOOLS})
    tools = [t for t in FLATTEN_TOOLS if any((t, d) in best for d in days_all)]

    def input_mb(days):
        raw = os.path.join(a.data, str(days), ".raw")
        return sum(os.path.getsize(os.path.join(raw, f + ".jsonl")) for f in ("moves", "moves_ticks")) / 2**20

    md = []
    p = md.append
    p("# Benchmark results")
    p("")
    p(f"Written by `bash bench/run.sh` on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
      "the method is in [bench/README.md](README.md). Lower is better for time and memory.")
    p("")
    p("## Machine")
    p("")
    p("| | |")
    p("|---|---|")
    for k, v in machine(a.repo):
        p(f"| {k} | {v} |")
    if LOADAVG:
        p(f"| load average (1, 5, 15 min) | at the start {LOADAVG.get('start', '?')}; "
          f"at the end {LOADAVG.get('end', '?')} |")
    p("")

    # --- flattening ---
    p("## Flattening the same JSON files")
    p("")
    p("Input: the demo server's moves and their minute ticks as plain JSON lines (`moves.jsonl`, "
      "`moves_ticks.jsonl`); output: the tables `moves`, `moves_hourly` and `moves_ticks` "
      "(upexport also writes `moves_tzs`). Rows are the three tables' rows; MB/s is input MB per wall second; "
      "CPU is user+sys. Each cell is the run with the median wall time; the last column lists every run's wall time.")
    p("")
    p("| days | tool | rows | input MB | wall s | CPU s | peak RSS MB | rows/s | MB/s | runs: wall s |")
    p("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for d in days_all:
        mb = input_mb(d)
        for t in tools:
            r = best.get((t, d))
            if not r:
                continue
            rows = sum(r["counts"].get(x, 0) for x in TABLES)
            p(f"| {d} | {t} | {rows:,} | {mb:.0f} | {fmt_s(r['wall'])} | {fmt_s(r['user'] + r['sys'])} | "
              f"{r['rss_kb'] / 1024:.0f} | {rows / r['wall']:,.0f} | {mb / r['wall']:.0f} | "
              f"{' '.join(fmt_s(w) for w in r['walls'])} |")
    p("")
    if bad:
        p("**The row counts disagree: this comparison is void.**")
        p("")
        for b in bad:
            p(f"- {b}")
    else:
        p("Row counts: every tool produced the same rows for every table at every size (checked by the script).")
        for d in days_all:
            if identical.get(d):
                p(f"At {d} days pandas' CSV files are byte-identical to upexport's: "
                  f"{', '.join(sorted(identical[d]))}.")
    p("")

    pairs = [("upexport-parquet", "duckdb-parquet"), ("upexport-csv", "duckdb-csv"),
             ("upexport-parquet", "pandas-csv"), ("upexport-csv", "pandas-csv")]
    p("### Ratios (upexport / peer: below 1 means upexport needs less)")
    p("")
    p("| days | upexport / peer | wall | CPU | peak RSS | peer wall / upexport wall |")
    p("|---:|---|---:|---:|---:|---:|")
    for d in days_all:
        for u, peer in pairs:
            ru, rp = best.get((u, d)), best.get((peer, d))
            if not ru or not rp:
                continue
            cu, cp = ru["user"] + ru["sys"], rp["user"] + rp["sys"]
            p(f"| {d} | {u} / {peer} | {ru['wall'] / rp['wall']:.2f} | {cu / cp:.2f} | "
              f"{ru['rss_kb'] / rp['rss_kb']:.2f} | {rp['wall'] / ru['wall']:.1f}x |")
    p("")

    lo, hi = (days_all[0], days_all[-1]) if days_all else (None, None)
    if lo is not None and lo != hi:
        p(f"### Growth from {lo} to {hi} days ({hi / lo:.0f}x the data)")
        p("")
        p("| tool | wall | CPU | peak RSS | RSS MB at each size |")
        p("|---|---:|---:|---:|---|")
        for t in tools:
            r0, r1 = best.get((t, lo)), best.get((t, hi))
            if not r0 or not r1:
                continue
            sizes = ", ".join(f"{best[(t, d)]['rss_kb'] / 1024:.0f}" for d in days_all if (t, d) in best)
            p(f"| {t} | {r1['wall'] / r0['wall']:.1f}x | {(r1['user'] + r1['sys']) / (r0['user'] + r0['sys']):.1f}x | "
              f"{r1['rss_kb'] / r0['rss_kb']:.2f}x | {sizes} |")
        p("")

    # --- end to end ---
    lat = seconds(a.latency)
    e2e = sorted((r for (t, d), r in best.items() if t == "e2e"), key=lambda r: r["days"])
    if e2e:
        p("## End to end over loopback HTTP")
        p("")
        p(f"`upexport export --ticks --concurrency {a.concurrency}` (every endpoint) against a separate "
          f"`upexport demo-server --fault-slow {a.latency}` process on the same machine. "
          f"Floor = requests x {a.latency} / {a.concurrency}: the time the requests take if "
          "the latency were the only cost and the concurrency were always used in full.")
        p("")
        p("| days | requests | rows | wall s | floor s | wall / floor | CPU s | peak RSS MB |")
        p("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in e2e:
            floor = r["requests"] * lat / a.concurrency
            rows = sum(r["counts"].values())
            p(f"| {r['days']} | {r['requests']:,} | {rows:,} | {fmt_s(r['wall'])} | {fmt_s(floor)} | "
              f"{r['wall'] / floor:.2f} | {fmt_s(r['user'] + r['sys'])} | {r['rss_kb'] / 1024:.0f} |")
        p("")

    # --- targets ---
    p("## Targets")
    p("")

    def verdict(ok):
        return "met" if ok else "**missed**"

    def each(tool, peer, f):
        vals = [f(best[(tool, d)], best[(peer, d)]) for d in days_all if (tool, d) in best and (peer, d) in best]
        return vals

    checks = []
    v = each("upexport-parquet", "duckdb-parquet", lambda u, k: k["wall"] / u["wall"])
    if v:
        checks.append(("Flatten + write Parquet at least as fast as DuckDB (wall)", min(v) >= 1.0,
                       "DuckDB wall / upexport wall: " + ", ".join(f"{x:.2f}" for x in v)))
    v = each("upexport-parquet", "pandas-csv", lambda u, k: k["wall"] / u["wall"])
    if v:
        checks.append(("At least 5x faster than pandas (upexport Parquet vs pandas CSV, wall)", min(v) >= 5.0,
                       "pandas wall / upexport wall: " + ", ".join(f"{x:.1f}x" for x in v)))
    for t in ("upexport-parquet", "upexport-csv"):
        if lo != hi and (t, lo) in best and (t, hi) in best:
            g = best[(t, hi)]["rss_kb"] / best[(t, lo)]["rss_kb"]
            checks.append((f"Peak RSS flat from {lo} to {hi} days ({t}; flat: within 1.25x)", g <= 1.25,
                           f"{best[(t, lo)]['rss_kb'] / 1024:.0f} MB -> {best[(t, hi)]['rss_kb'] / 1024:.0f} MB ({g:.2f}x)"))
    for u, peer in (("upexport-parquet", "duckdb-parquet"), ("upexport-parquet", "pandas-csv")):
        v = each(u, peer, lambda x, y: x["rss_kb"] / y["rss_kb"])
        if v:
            checks.append((f"Peak RSS well under {peer.split('-')[0]}'s (well under: at most half)", max(v) <= 0.5,
                           "upexport / peer: " + ", ".join(f"{x:.2f}" for x in v)))
    if e2e:
        v = [r["wall"] / (r["requests"] * lat / a.concurrency) for r in e2e]
        checks.append(("End to end within 1.2x of the latency floor", max(v) <= 1.2,
                       "wall / floor: " + ", ".join(f"{x:.2f}" for x in v)))
    p("| target | verdict | measured (per size, smallest first) |")
    p("|---|---|---|")
    for name, ok, detail in checks:
        p(f"| {name} | {verdict(ok)} | {detail} |")
    p("")
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
    if os.path.exists(notes):
        p(open(notes).read().rstrip())
        p("")

    text = "\n".join(md)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
