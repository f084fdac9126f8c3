#!/usr/bin/python3
"""pandas-check.py: read an upexport export with pandas and openpyxl (readers
upexport did not write) and check it against manifest.json.

    /usr/bin/python3 pandas-check.py EXPORT_DIR [--compare-csv CSV_EXPORT_DIR]

CSV files: pd.read_csv(path) with no arguments gives the manifest's row
count and numeric/bool columns as numbers (int64, or float64 where nulls
force it; bool, or object where nulls force it); read_upexport_csv (the
manifest-typed recipe below) gives exactly Int64, float64, boolean, string,
datetime64[ns, UTC] for timestamps and datetime64[ns] for dates.

XLSX: the About sheet comes first; every table's sheets exist in order with
the manifest's row counts (also in openpyxl's read-only mode, which trusts
each sheet's dimension), a header row and an Excel table (filter buttons)
over the data; openpyxl sees numbers, booleans, text and real dates (date
formatted cells, not text); pd.read_excel gives datetime64 for timestamp
and date columns and numbers for numeric columns.

--compare-csv compares every value of an XLSX export with a CSV export of
the same data (DuckDB's check compares CSV with Parquet), so text with
newlines, quotes, tabs and emoji, big integers and fractional seconds are
seen to survive in all three formats.

Prints one PASS/FAIL line per check and a summary; exits 1 on failure.
Needs Debian's python3-pandas and python3-openpyxl (use /usr/bin/python3).
"""
import json
import os
import sys

import numpy as np
import openpyxl
import pandas as pd

failures = 0
checks = 0


def report(ok, what, detail=""):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
    print(f"{'PASS' if ok else 'FAIL'} {what}{': ' + detail if detail else ''}")


def read_upexport_csv(path, columns):
    """The recipe for reading an upexport CSV with its manifest's types."""
    # Integers are read as text and converted exactly: pandas 1.5 parses
    # dtype="Int64" through float64 and fails on values past 2**53.
    dtype = {c["name"]: {"float64": "float64", "bool": "boolean"}.get(c["type"], "string") for c in columns}
    # Only an empty field is null: "NA" or "null" in a text column is text.
    # float_precision="round_trip": pandas' default float parser is fast
    # but can be off by one unit in the last place.
    df = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""], float_precision="round_trip")
    for c in columns:
        if c["type"] == "int64":
            df[c["name"]] = pd.array([None if v is pd.NA else int(v) for v in df[c["name"]]], dtype="Int64")
        elif c["type"] == "timestamp":
            df[c["name"]] = pd.to_datetime(df[c["name"]], utc=True)
        elif c["type"] == "date":
            df[c["name"]] = pd.to_datetime(df[c["name"]], format="%Y-%m-%d")
    return df


def untyped_ok(t, series):
    """What pd.read_csv with no arguments may give for a manifest type."""
    kind, has_null = series.dtype.kind, series.isna().any()
    if series.notna().sum() == 0:
        return True  # nothing to infer a type from
    if t == "int64":
        return kind == "i" or (has_null and kind == "f")
    if t == "float64":
        return kind == "f"
    if t == "bool":
        return kind == "b" or (has_null and kind == "O")
    if t == "string":
        # A text column whose every value reads as a number (ids such as
        # 36300001) is typed so by any sniffer, whatever the writer does;
        # the manifest-typed read checks it.
        return kind in "Oif"
    return kind == "O"  # dates/timestamps left unparsed


TYPED = {"int64": "Int64", "float64": "float64", "bool": "boolean", "string": "string",
         "timestamp": "datetime64[ns, UTC]", "date": "datetime64[ns]"}


def check_csv(dir, table):
    frames = []
    for f in table["files"]:
        path = os.path.join(dir, f["path"])
        df = pd.read_csv(path)
        report(len(df) == f["rows"], f"{f['path']} rows", f"{len(df)} (manifest {f['rows']})")
        bad = [f"{c['name']} is {df[c['name']].dtype}" for c in table["columns"]
               if c["name"] not in df or not untyped_ok(c["type"], df[c["name"]])]
        report(list(df.columns) == [c["name"] for c in table["columns"]] and not bad,
               f"{f['path']} read_csv() types", "; ".join(bad))
        typed = read_upexport_csv(path, table["columns"])
        bad = [f"{c['name']} is {typed[c['name']].dtype}" for c in table["columns"]
               if str(typed[c["name"]].dtype) != TYPED[c["type"]]]
        report(len(typed) == f["rows"] and not bad, f"{f['path']} manifest-typed read", "; ".join(bad))
        frames.append(typed)
    return pd.concat(frames, ignore_index=True) if frames else None


XL_CELL = {"int64": ("n",), "float64": ("n",), "bool": ("b",), "string": ("s",),
           "timestamp": ("d",), "date": ("d",)}


def check_xlsx(dir, manifest):
    paths = {f["path"] for t in manifest["tables"] for f in t["files"]}
    report(len(paths) == 1, "one workbook", ", ".join(sorted(paths)))
    path = os.path.join(dir, paths.pop())
    wb = openpyxl.load_workbook(path)
    # Read-only mode, which openpyxl recommends for large files, trusts each
    # sheet's <dimension>: it must name the whole range.
    ro = openpyxl.load_workbook(path, read_only=True)
    expected_sheets = [s["name"] for t in manifest["tables"] for f in t["files"] for s in f["sheets"]]
    report(wb.sheetnames[0] == "About", "About sheet first", ", ".join(wb.sheetnames))
    report(wb.sheetnames[1:] == expected_sheets, "sheets in table order", ", ".join(wb.sheetnames[1:]))
    tables = {}
    for t in manifest["tables"]:
        frames = []
        for f in t["files"]:
            for s in f["sheets"]:
                ws = wb[s["name"]]
                what = f"{os.path.basename(path)}[{s['name']}]"
                header = [c.value for c in ws[1]]
                report(header == [c["name"] for c in t["columns"]] and ws["A1"].font.b,
                       what + " bold header", str(header))
                report(ws.freeze_panes == "A2", what + " frozen header", str(ws.freeze_panes))
                rs = ro[s["name"]]
                report(rs.max_row == s["rows"] + 1 and rs.max_column == len(t["columns"]),
                       what + " read-only size", f"{rs.max_row} rows x {rs.max_column} columns")
                ok = len(ws.tables) == 1
                ref = ""
                for tbl in ws.tables.values():
                    ref = tbl.ref
                    last = max(s["rows"] + 1, 2)
                    ok = ok and tbl.autoFilter is not None and tbl.ref.startswith("A1:") and tbl.ref.endswith(str(last))
                report(ok, what + " table with filter buttons", ref)
                bad, values = set(), []
                for row in ws.iter_rows(min_row=2, values_only=False):
                    values.append([cell.value for cell in row])
                    for c, cell in zip(t["columns"], row):
                        if cell.value is None:
                            continue
                        dt = "d" if cell.is_date else cell.data_type
                        if dt not in XL_CELL[c["type"]] and not (c["type"] == "int64" and dt == "s" and abs(int(cell.value)) > 2**53):
                            bad.add(f"{c['name']} has {dt} cells")
                report(not bad, what + " cell types", "; ".join(sorted(bad)))
                df = pd.read_excel(path, sheet_name=s["name"])
                report(len(df) == s["rows"], what + " rows", f"{len(df)} (manifest {s['rows']})")
                bad = []
                for c in t["columns"]:
                    col = df[c["name"]]
                    if col.notna().sum() == 0:
                        continue
                    k, n = col.dtype.kind, col.isna().any()
                    ok = {"timestamp": k == "M", "date": k == "M", "float64": k == "f",
                          "int64": k == "i" or (n and k == "f") or k == "O",
                          "bool": k == "b" or (n and k in "fO"), "string": k == "O"}[c["type"]]
                    if not ok:
                        bad.append(f"{c['name']} is {col.dtype}")
                report(not bad, what + " read_excel types", "; ".join(bad))
                # Values for --compare-csv come from openpyxl: read_excel
                # turns big integers stored as text into floats.
                frames.append(pd.DataFrame(values, columns=[c["name"] for c in t["columns"]], dtype=object))
        tables[t["name"]] = pd.concat(frames, ignore_index=True) if frames else None
    return tables


def normalise(df, columns, source):
    """Bring a table read from CSV or XLSX to comparable Python values."""
    out = {}
    for c in columns:
        col, t = df[c["name"]], c["type"]
        vals = []
        for v in col.tolist():
            if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)) or v == "":
                vals.append(None)
            elif t == "timestamp":
                ts = pd.Timestamp(v)
                ts = ts.tz_convert(None) if ts.tzinfo else ts
                vals.append(ts.round("ms"))  # openpyxl reads Excel serials to the ms
            elif t == "date":
                vals.append(pd.Timestamp(v).normalize())
            elif t == "int64":
                vals.append(int(v) if not isinstance(v, float) else int(round(v)))
            elif t == "bool":
                vals.append(bool(v))
            elif t == "float64":
                vals.append(float(v))
            else:
                vals.append(str(v))
        out[c["name"]] = vals
    return out


def compare(table, a, b):
    na, nb = normalise(a, table["columns"], "xlsx"), normalise(b, table["columns"], "csv")
    bad = []
    for c in table["columns"]:
        x, y = na[c["name"]], nb[c["name"]]
        diff = [i for i, (p, q) in enumerate(zip(x, y)) if p != q]
        if len(x) != len(y) or diff:
            i = diff[0] if diff else 0
            bad.append(f"{c['name']} differs in {len(diff)} rows, first row {i}: {x[i]!r} vs {y[i]!r}")
    report(not bad, f"{table['name']} xlsx values == csv values", "; ".join(bad))


def main(argv):
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--compare-csv"):
        print(__doc__, file=sys.stderr)
        return 2
    dir = argv[0]
    with open(os.path.join(dir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest["format"] == "csv":
        for t in manifest["tables"]:
            check_csv(dir, t)
    elif manifest["format"] == "xlsx":
        xl = check_xlsx(dir, manifest)
        if len(argv) == 3:
            other = argv[2]
            with open(os.path.join(other, "manifest.json"), encoding="utf-8") as f:
                csvm = json.load(f)
            for t in manifest["tables"]:
                ct = next(x for x in csvm["tables"] if x["name"] == t["name"])
                frames = [read_upexport_csv(os.path.join(other, f["path"]), ct["columns"]) for f in ct["files"]]
                compare(t, xl[t["name"]], pd.concat(frames, ignore_index=True))
    else:
        print(f"pandas-check: nothing to check in a {manifest['format']} export")
    print(f"pandas-check {dir}: {'PASS' if failures == 0 else 'FAIL'} ({checks} checks, {failures} failed)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:  # a reader error is a failed check, not a crash
        import traceback
        traceback.print_exc()
        print(f"pandas-check: FAIL ({type(e).__name__}: {e})")
        sys.exit(1)
