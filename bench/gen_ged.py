#!/usr/bin/env python3
"""Write N real-length UCDP GED rows (as downloaded: dates `YYYY-MM-DD 00:00:00.000`,
CRLF-free, all fields quoted as UCDP quotes them) built from the shipped sample's rows,
with new ids and dates spread over 1989-2023.  usage: gen_ged.py SAMPLE OUT N"""
import csv
import datetime
import sys

sample, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(sample, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header, rows = rows[0], rows[1:]
col = {name: i for i, name in enumerate(header)}
# Each template keeps the sample row's text; id, relid, year and the two dates vary.
templates = []
for r in rows:
    parts = []
    for i, v in enumerate(r):
        if i in (col["id"], col["year"], col["date_start"], col["date_end"]):
            parts.append("%s")
        elif i == col["relid"]:
            parts.append('"%s"')
        elif v == "" or v.lstrip("-").replace(".", "", 1).isdigit():
            parts.append(v)
        else:
            parts.append('"' + v.replace('"', '""').replace("%", "%%") + '"')
    templates.append(",".join(parts) + "\n")
start = datetime.date(1989, 1, 1).toordinal()
span = datetime.date(2023, 12, 31).toordinal() - start + 1
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write(",".join('"%s"' % h for h in header) + "\n")
    buf = []
    for k in range(n):
        t = templates[k % len(templates)]
        d = datetime.date.fromordinal(start + (k * 7919) % span)
        ds = '"%s 00:00:00.000"' % d.isoformat()
        buf.append(t % (1000000 + k, "BEN-%d-%d" % (d.year, k), d.year, ds, ds))
        if len(buf) == 10000:
            f.write("".join(buf))
            buf = []
    f.write("".join(buf))
