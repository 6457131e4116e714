#!/usr/bin/env python3
"""`truce events aggregate` against an independent computation (python3 stdlib only).

The expected table is computed here with the csv module and datetime, for every period
and grouping option, on the shipped GED sample and on generated files (BOM, CRLF, quoted
commas/quotes/newlines, UCDP time-suffixed dates, ACLED's three date forms, multiple
files, filters, --fill, empty groups, invalid rows). Prints TAP lines; exits 1 on failure.
"""
import csv
import datetime
import io
import os
import random
import re
import subprocess
import sys
import tempfile

TRUCE = os.environ.get("TRUCE", "build/truce")
ROOT = os.environ.get("TRUCE_ROOT", ".")
SAMPLE = os.path.join(ROOT, "data", "ucdp_ged231_sample_pakistan_events.csv")
PERIODS = ["day", "week", "month", "quarter", "year"]
UCDP_GROUPS = {"none": None, "country": "country", "adm_1": "adm_1", "adm_2": "adm_2",
               "dyad": "dyad_name", "conflict": "conflict_name", "type": "type_of_violence",
               "side_a": "side_a", "side_b": "side_b"}
ACLED_GROUPS = {"none": None, "country": "country", "adm_1": "admin1", "adm_2": "admin2",
                "actor1": "actor1", "actor2": "actor2", "event_type": "event_type"}
UCDP_DEATHS = ["best", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"]

failures = 0
count = 0


def report(ok, name, detail=""):
    global failures, count
    count += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", count, name))
    if not ok:
        failures += 1
        for line in detail.splitlines()[:30]:
            print("# " + line)


# ---- the independent computation ---------------------------------------------------------

def parse_day(text, acled):
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})( 00:00:00\.000)?", text)
    try:
        if m:
            return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if acled and re.fullmatch(r"\d{1,2} [A-Za-z]+ \d{4}", text):
            return datetime.datetime.strptime(text, "%d %B %Y").date()
    except ValueError:
        return None
    return None


def period_start(d, by):
    if by == "day":
        return d
    if by == "week":
        return d - datetime.timedelta(days=d.weekday())
    if by == "month":
        return d.replace(day=1)
    if by == "quarter":
        return datetime.date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    return datetime.date(d.year, 1, 1)


def next_period(d, by):
    if by == "day":
        return d + datetime.timedelta(days=1)
    if by == "week":
        return d + datetime.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[by]
    m = d.month - 1 + months
    return datetime.date(d.year + m // 12, m % 12 + 1, 1)


def label(d, by):
    if by == "day":
        return d.isoformat()
    if by == "week":
        y, w, _ = d.isocalendar()
        return "%d-W%02d" % (y, w)
    if by == "month":
        return "%d-%02d" % (d.year, d.month)
    if by == "quarter":
        return "%d-Q%d" % (d.year, (d.month - 1) // 3 + 1)
    return "%d" % d.year


def expected(paths, by, group, filters=None, fill=False, date_from=None, date_to=None):
    """Rows (list of lists of str) and the number of invalid rows."""
    filters = filters or {}
    cells = {}
    invalid = 0
    acled = None
    for path in paths:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = csv.reader(f)
            header = next(rows)
            col = {}
            for i, h in enumerate(header):
                col.setdefault(h, i)
            acled = "event_date" in col and "date_start" not in col
            date_col = "event_date" if acled else "date_start"
            deaths = ["fatalities"] if acled else UCDP_DEATHS
            gcol = (ACLED_GROUPS if acled else UCDP_GROUPS)[group]
            for row in rows:
                if row == []:
                    continue   # a blank line
                if len(row) != len(header):
                    invalid += 1
                    continue
                d = parse_day(row[col[date_col]], acled)
                if d is None or not all(re.fullmatch(r"[0-9]{1,9}", row[col[c]]) for c in deaths):
                    invalid += 1
                    continue
                if date_from and d < date_from or date_to and d > date_to:
                    continue
                keep = True
                for opt, value in filters.items():
                    if opt == "actor":
                        cols = ["actor1", "actor2"] if acled else ["side_a", "side_b"]
                        keep &= value in (row[col[cols[0]]], row[col[cols[1]]])
                    else:
                        c = {"country": "country", "dyad": "dyad_name",
                             "type": "type_of_violence", "event-type": "event_type"}[opt]
                        keep &= row[col[c]] == value
                if not keep:
                    continue
                g = row[col[gcol]] if gcol else ""
                key = (g, period_start(d, by))
                v = cells.setdefault(key, [0] * (1 + len(deaths)))
                v[0] += 1
                for k, c in enumerate(deaths):
                    v[1 + k] += int(row[col[c]])
    if fill and cells:
        lo = min(p for _, p in cells)
        hi = max(p for _, p in cells)
        if date_from:
            lo = period_start(date_from, by)
        if date_to:
            hi = period_start(date_to, by)
        width = 2 if acled else 6
        for g in {g for g, _ in cells}:
            p = lo
            while p <= hi:
                cells.setdefault((g, p), [0] * width)
                p = next_period(p, by)
    out = []
    for (g, p) in sorted(cells, key=lambda k: (k[0].encode("utf-8"), k[1])):
        out.append([label(p, by), g] + [str(x) for x in cells[(g, p)]])
    return out, invalid


def run(args):
    p = subprocess.run([TRUCE, "events", "aggregate"] + args, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def actual(args):
    rc, out, err = run(args)
    rows = list(csv.reader(io.StringIO(out, newline="")))
    return rc, rows, err


def compare(name, args, paths, by, group, **kw):
    rc, rows, err = actual(args)
    exp, invalid = expected(paths, by, group, **kw)
    acled = bool(rows) and len(rows[0]) == 4
    want_header = ["period", "group", "events", "deaths"] + (
        [] if acled else ["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"])
    problems = []
    if rc != 0:
        problems.append("exit code %d: %s" % (rc, err))
    if not rows or rows[0] != want_header:
        problems.append("header %r" % (rows[:1],))
    if rows[1:] != exp:
        got = rows[1:]
        problems.append("%d rows, expected %d" % (len(got), len(exp)))
        for a, b in zip(got, exp):
            if a != b:
                problems.append("first difference: got %r, expected %r" % (a, b))
                break
    m = re.search(r"(\d+) invalid rows? skipped", err)
    got_invalid = int(m.group(1)) if m else 0
    if got_invalid != invalid:
        problems.append("invalid rows reported %d, expected %d" % (got_invalid, invalid))
    report(not problems, "%s (%d rows, %d invalid)" % (name, len(exp), invalid),
           "\n".join(problems))
    return exp


# ---- generated files ---------------------------------------------------------------------

TRICKY = ["Government of Pakistan - TTP", "Comma, Inc. - Others", 'He said "no" - Side',
          "Line\nbreak - Side", "", "Ünïcödé – Σ", "TTP"]


def ucdp_header():
    with open(SAMPLE, newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def write_ucdp(path, rng, n, bom, crlf, suffix, quote_all, invalid_rows):
    header = ucdp_header()
    col = {h: i for i, h in enumerate(header)}
    with open(SAMPLE, newline="", encoding="utf-8") as f:
        base = list(csv.reader(f))[1:]
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n" if crlf else "\n",
                       quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        w.writerow(header)
        for k in range(n):
            row = list(rng.choice(base))
            d = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(5 * 365))
            row[col["date_start"]] = d.isoformat() + (" 00:00:00.000" if suffix else "")
            for c in ("dyad_name", "side_a", "side_b", "adm_2", "conflict_name"):
                if rng.random() < 0.5:
                    row[col[c]] = rng.choice(TRICKY)
            row[col["country"]] = rng.choice(["Pakistan", "Afghanistan", "Pakistan"])
            row[col["type_of_violence"]] = rng.choice("123")
            parts = [rng.randrange(20) for _ in range(4)]
            for c, v in zip(UCDP_DEATHS[1:], parts):
                row[col[c]] = str(v)
            row[col["best"]] = str(sum(parts))
            row[col["low"]] = str(sum(parts) + 3)       # a known quirk: low > best is valid
            row[col["number_of_sources"]] = "-1"
            if k in invalid_rows:
                kind = invalid_rows[k]
                if kind == "date":
                    row[col["date_start"]] = "2021-02-30"
                elif kind == "best":
                    row[col["best"]] = "12.5"
                elif kind == "empty":
                    row[col["deaths_a"]] = ""
                elif kind == "short":
                    row = row[:20]
                elif kind == "month":
                    row[col["date_start"]] = "2021-03"
            w.writerow(row)
            if k % 97 == 5:
                f.write("\r\n" if crlf else "\n")   # a blank line: skipped silently


ACLED_HEADER = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
                "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
                "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region",
                "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
                "geo_precision", "source", "source_scale", "notes", "fatalities", "tags",
                "timestamp"]
ACLED_TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians",
               "Protests", "Riots", "Strategic developments"]
ACLED_ACTORS = ["Military Forces of Pakistan (2018-2022)", "TTP: Tehreek-i-Taliban Pakistan",
                "Unidentified Armed Group (Pakistan)", "Civilians (Pakistan)", "",
                'Police Forces of Pakistan, "Special" Unit']


def acled_date(d, form):
    if form == 0:
        return d.isoformat()
    return "%d %s %d" % (d.day, d.strftime("%B"), d.year)   # "15 March 2021", "6 October 2022"


def write_acled(path, rng, n, bom, crlf, invalid_rows, start_id=0):
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n" if crlf else "\n")
        w.writerow(ACLED_HEADER)
        for k in range(n):
            d = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(3 * 365))
            row = {h: "" for h in ACLED_HEADER}
            row.update({
                "event_id_cnty": "PAK%d" % (start_id + k), "event_date": acled_date(d, k % 3),
                "year": str(d.year), "event_type": rng.choice(ACLED_TYPES),
                "sub_event_type": "Armed clash", "actor1": rng.choice(ACLED_ACTORS),
                "actor2": rng.choice(ACLED_ACTORS), "country": "Pakistan",
                "admin1": rng.choice(["Khyber Pakhtunkhwa", "Balochistan", "Punjab"]),
                "admin2": rng.choice(["Bannu", "North Waziristan", "", "Quetta, City"]),
                "location": "Somewhere", "latitude": "33.0", "longitude": "70.6",
                "notes": 'On %s, a "clash" happened,\nnear the road.' % d.isoformat(),
                "fatalities": str(rng.choice([0, 0, 1, 2, 5, 12])), "timestamp": "1700000000"})
            kind = invalid_rows.get(k)
            if kind == "date":
                row["event_date"] = "31 June 2021"
            elif kind == "fatalities":
                row["fatalities"] = "-1"
            elif kind == "month":
                row["event_date"] = "Marchy 3 2021"
            w.writerow([row[h] for h in ACLED_HEADER])


def main():
    tmp = tempfile.mkdtemp(prefix="truce-events-test-")
    try:
        rng = random.Random(20240607)
        # 1. The shipped sample: every period and every UCDP grouping.
        for by in PERIODS:
            for group in UCDP_GROUPS:
                compare("sample --by %s --group %s" % (by, group),
                        ["--by", by, "--group", group, SAMPLE], [SAMPLE], by, group)
        # 2. Generated UCDP files: BOM + CRLF + time suffix; LF + QUOTE_ALL + plain dates.
        u1 = os.path.join(tmp, "ged_bom_crlf.csv")
        u2 = os.path.join(tmp, "ged_lf.csv")
        write_ucdp(u1, rng, 600, True, True, True, False,
                   {7: "date", 50: "best", 51: "empty", 300: "short", 401: "month"})
        write_ucdp(u2, rng, 400, False, False, False, True, {})
        for by in PERIODS:
            for group in UCDP_GROUPS:
                compare("generated GED (2 files) --by %s --group %s" % (by, group),
                        ["--format", "ucdp", "--by", by, "--group", group, u1, u2],
                        [u1, u2], by, group)
        # Filters and --fill, one at a time and combined.
        cases = [
            ({"country": "Pakistan"}, None, None, False),
            ({"dyad": "Comma, Inc. - Others"}, None, None, False),
            ({"dyad": 'He said "no" - Side'}, None, None, True),
            ({"actor": "TTP"}, None, None, False),
            ({"type": "3"}, None, None, True),
            ({}, datetime.date(2020, 3, 1), datetime.date(2021, 6, 30), False),
            ({}, datetime.date(2020, 3, 1), datetime.date(2021, 6, 30), True),
            ({"country": "Afghanistan", "type": "1"}, None, datetime.date(2022, 12, 31), True),
            ({"dyad": "no such dyad"}, None, None, True),
        ]
        for filters, dfrom, dto, fill in cases:
            for by, group in (("month", "side_b"), ("week", "dyad"), ("quarter", "adm_2")):
                args = ["--by", by, "--group", group]
                for k, v in filters.items():
                    args += ["--" + k, v]
                if dfrom:
                    args += ["--from", dfrom.isoformat()]
                if dto:
                    args += ["--to", dto.isoformat()]
                if fill:
                    args.append("--fill")
                compare("generated GED %s" % " ".join(a.replace("\n", "\\n") for a in args),
                        args + [u1, u2], [u1, u2], by, group, filters=filters, fill=fill,
                        date_from=dfrom, date_to=dto)
        # 3. ACLED: three date forms, two files (one with BOM and CRLF), every grouping.
        a1 = os.path.join(tmp, "acled_a.csv")
        a2 = os.path.join(tmp, "acled_b.csv")
        write_acled(a1, rng, 500, True, True, {3: "date", 100: "fatalities", 200: "month"})
        write_acled(a2, rng, 300, False, False, {}, start_id=10000)
        for by in PERIODS:
            for group in ACLED_GROUPS:
                compare("generated ACLED (2 files) --by %s --group %s" % (by, group),
                        ["--by", by, "--group", group, a1, a2], [a1, a2], by, group)
        acled_cases = [
            ({"event-type": "Battles"}, None, None, True),
            ({"actor": "Civilians (Pakistan)"}, None, None, False),
            ({"actor": ""}, None, None, False),
            ({"country": "Pakistan", "event-type": "Protests"},
             datetime.date(2021, 1, 1), datetime.date(2021, 12, 31), True),
        ]
        for filters, dfrom, dto, fill in acled_cases:
            for by, group in (("month", "actor1"), ("year", "event_type"), ("week", "adm_2")):
                args = ["--format", "acled", "--by", by, "--group", group]
                for k, v in filters.items():
                    args += ["--" + k, v]
                if dfrom:
                    args += ["--from", dfrom.isoformat()]
                if dto:
                    args += ["--to", dto.isoformat()]
                if fill:
                    args.append("--fill")
                compare("generated ACLED %s" % " ".join(args), args + [a1, a2], [a1, a2], by,
                        group, filters=filters, fill=fill, date_from=dfrom, date_to=dto)
        # 4. --out gives the same bytes as stdout, and no temporary file is left behind.
        outdir = os.path.join(tmp, "out")
        os.mkdir(outdir)
        target = os.path.join(outdir, "table.csv")
        rc1, out1, _ = run(["--group", "dyad", SAMPLE])
        rc2, out2, _ = run(["--group", "dyad", "--out", target, SAMPLE])
        with open(target, encoding="utf-8", newline="") as f:
            written = f.read()
        report(rc1 == rc2 == 0 and out2 == "" and written == out1
               and os.listdir(outdir) == ["table.csv"],
               "--out writes the stdout table atomically (nothing else in the folder)")
        # 5. Warnings: the first 20 per file, with file and line, then the count; --strict.
        many = os.path.join(tmp, "many_bad.csv")
        write_acled(many, rng, 100, False, False, {k: "date" for k in range(0, 100, 3)})
        rc, out, err = run(["--group", "none", many])
        shown = [l for l in err.splitlines() if "(row skipped)" in l]
        report(rc == 0 and len(shown) == 20 and "34 invalid rows skipped" in err
               and shown[0].startswith("truce: warning: %s:2: event_date:" % many),
               "invalid rows: 20 warnings with file:line: field, then the count of 34",
               err)
        rc, out, err = run(["--strict", many])
        report(rc == 2 and out == "" and "%s:2: event_date:" % many in err,
               "--strict: the first invalid row stops the run with exit 2", err)
        # 6. Mixing formats in one run is an input error.
        rc, out, err = run([u2, a2])
        report(rc == 2 and "aggregate one format at a time" in err and out == "",
               "a UCDP file and an ACLED file together: exit 2", err)
    finally:
        for root, dirs, files in os.walk(tmp, topdown=False):
            for name in files:
                os.unlink(os.path.join(root, name))
            for name in dirs:
                os.rmdir(os.path.join(root, name))
        os.rmdir(tmp)
    print("1..%d" % count)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
