#!/usr/bin/env python3
"""Check (or print) the populations of the default scenario's regions from the district data.

The default scenario groups the 70 districts of Khyber Pakhtunkhwa (with the merged ex-FATA
districts) and Balochistan into model regions (scenarios/pakistan-ttp/district_groups.csv).
Each region's population in scenarios/pakistan-ttp/regions.csv must equal the sum of its
districts' 2017 census populations in data/pak_kp_balochistan_districts_cod2022.csv; the two
Chitral districts, split after 2017, take the undivided CHITRAL DISTRICT figure from
data/pak_census2017_kp_fata_balochistan_units.csv.

usage: district-groups.py [--check]   (exit 1 if regions.csv disagrees)
"""
import csv
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def region_populations():
    groups = {}
    with open(os.path.join(ROOT, "scenarios/pakistan-ttp/district_groups.csv"), newline="") as f:
        for row in csv.DictReader(f):
            groups[row["adm2_pcode"]] = row["region"]
    pops = {}
    with open(os.path.join(ROOT, "data/pak_kp_balochistan_districts_cod2022.csv"), newline="") as f:
        districts = list(csv.DictReader(f))
    if len(districts) != len(groups):
        sys.exit("district_groups.csv must list every district exactly once")
    for d in districts:
        region = groups[d["adm2_pcode"]]
        pops[region] = pops.get(region, 0) + (int(d["pop2017"]) if d["pop2017"] else 0)
    with open(os.path.join(ROOT, "data/pak_census2017_kp_fata_balochistan_units.csv"), newline="") as f:
        chitral = next(int(r["pop2017"]) for r in csv.DictReader(f) if r["unit_name"] == "CHITRAL DISTRICT")
    chitral_region = {groups[d["adm2_pcode"]] for d in districts if d["adm2_en"].startswith("Chitral")}
    assert len(chitral_region) == 1, "both Chitral districts must be in one region"
    pops[chitral_region.pop()] += chitral
    return pops


def main():
    pops = region_populations()
    if "--check" not in sys.argv:
        for k, v in sorted(pops.items()):
            print(f"{k},{v}")
        return 0
    bad = 0
    with open(os.path.join(ROOT, "scenarios/pakistan-ttp/regions.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if int(row["sanctuary"]):
                continue
            want = pops.pop(row["name"], None)
            if want is None or float(row["population"]) != want:
                print(f"regions.csv: {row['name']}: population {row['population']}, districts sum to {want}")
                bad = 1
    if pops:
        print("regions missing from regions.csv:", ", ".join(sorted(pops)))
        bad = 1
    total = 0
    with open(os.path.join(ROOT, "scenarios/pakistan-ttp/regions.csv"), newline="") as f:
        total = sum(float(r["population"]) for r in csv.DictReader(f) if not int(r["sanctuary"]))
    # PBS 2017: KP + FATA 35,501,964; Balochistan 12,335,129 (data/PROVENANCE.md).
    if total != 35501964 + 12335129:
        print(f"total population {total} != 47,837,093 (PBS 2017)")
        bad = 1
    print("district groups: ok" if not bad else "district groups: MISMATCH")
    return bad


if __name__ == "__main__":
    sys.exit(main())
