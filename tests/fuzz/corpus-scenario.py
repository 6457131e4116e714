#!/usr/bin/env python3
"""Write the seed corpus of fuzz_scenario (tests/fuzz/corpus/fuzz_scenario/) from the
default scenario and the scenarios under tests/scenarios (good and bad), in the input form
that tests/fuzz/fuzz_scenario.c reads. Run from the repository root; the output is
committed, so rerun it when those scenarios change."""
import hashlib
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus", "fuzz_scenario")


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def files_input(files):
    """files: [(name, bytes)], the scenario first. Mode byte 0."""
    out = b"\x00"
    for i, (name, data) in enumerate(files):
        out += (b"\n" if i else b"") + b"@@ " + name.encode() + b"\n" + data
    return out


def table_input(which, data):
    """One table of the default scenario replaced: which in 0..3."""
    return bytes([1 + 2 * which]) + data


def referenced(yaml_text):
    """The CSV paths a scenario names (value of any key ending in .csv)."""
    return re.findall(rb":\s*([^\s{},]+\.csv)", yaml_text)


def norm(path):
    return os.path.normpath(path).replace(os.sep, "/")


def scenario_files(rel):
    """rel: a scenario path relative to tests/scenarios; names relative to that folder."""
    base = os.path.join("tests", "scenarios")
    text = read(os.path.join(base, rel))
    files = [(rel, text)]
    folder = os.path.dirname(rel)
    for ref in referenced(text):
        name = norm(os.path.join(folder, ref.decode("utf-8", "replace")))
        path = os.path.join(base, name)
        if os.path.isfile(os.path.join(ROOT, path)) and name not in [n for n, _ in files]:
            files.append((name, read(path)))
    return files


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    seeds = []
    default = [("pakistan-ttp.yaml", read("scenarios/pakistan-ttp.yaml"))]
    for t in ("regions", "organisations", "episode_levers", "policies"):
        default.append(("pakistan-ttp/%s.csv" % t, read("scenarios/pakistan-ttp/%s.csv" % t)))
    default.append(("../data/pak_ttp_timeline.csv", read("data/pak_ttp_timeline.csv")))
    seeds.append(files_input(default))
    for i, name in enumerate(("regions", "episode_levers")):
        seeds.append(table_input(i, read("scenarios/pakistan-ttp/%s.csv" % name)))
    seeds.append(table_input(2, read("data/pak_ttp_timeline.csv")))
    seeds.append(table_input(3, read("scenarios/pakistan-ttp/policies.csv")))
    for top in ("good", "bad"):
        d = os.path.join(ROOT, "tests", "scenarios", top)
        for entry in sorted(os.listdir(d)):
            if entry.endswith(".yaml"):
                seeds.append(files_input(scenario_files(top + "/" + entry)))
            elif os.path.isdir(os.path.join(d, entry)):
                seeds.append(files_input(scenario_files(top + "/" + entry + "/scenario.yaml")))
                for csv in sorted(os.listdir(os.path.join(d, entry))):
                    kind = {"regions.csv": 0, "levers.csv": 1, "timeline.csv": 2,
                            "policies.csv": 3}.get(csv)
                    if kind is not None:
                        seeds.append(table_input(kind, read(os.path.join(d, entry, csv))))
    for s in seeds:
        name = hashlib.sha1(s).hexdigest()
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(s)
    print("%d seeds in %s" % (len(seeds), os.path.relpath(OUT, ROOT)))


if __name__ == "__main__":
    main()
