#!/bin/sh
# Make the shipped calibration of the default scenario (docs/calibration.md):
#   data/posterior/pakistan-ttp.csv            the posterior (truce fit's posterior.csv)
#   data/posterior/pakistan-ttp/fit.json       how it was made, per-parameter contraction
#   data/posterior/pakistan-ttp/ppc*.csv,json  posterior predictive checks (truce validate ppc)
#   data/posterior/pakistan-ttp/forecast_scores.csv, forecast.json   the time-split check
#   data/posterior/pakistan-ttp/MANIFEST.txt   every file's hash (truce's FNV-1a 64) and the
#                                              posterior's hash
# and points scenarios/pakistan-ttp.yaml's `calibration:` at the particle closest to the
# data (fit.json's closest_particle row). Every step is a plain truce command; rerunning it
# with the same settings gives the same bytes (any thread count).
#   sh scripts/calibrate.sh [WORK]      (WORK: scratch folder, default out/calibration)
# Settings (environment): SIMS (default 24000), PARTICLES (400), KEEP (8 parameters kept by
# the screening), SEED (1), DRAWS (1000), FORECAST_SIMS (SIMS / 2), CUTOFF (2022-12).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=${TRUCE:-$ROOT/build/truce}
WORK=${1:-$ROOT/out/calibration}
SIMS=${SIMS:-24000}
PARTICLES=${PARTICLES:-400}
KEEP=${KEEP:-8}
SEED=${SEED:-1}
DRAWS=${DRAWS:-1000}
FORECAST_SIMS=${FORECAST_SIMS:-$((SIMS / 2))}
CUTOFF=${CUTOFF:-2022-12}
SCEN=$ROOT/scenarios/pakistan-ttp.yaml
DEST=$ROOT/data/posterior
mkdir -p "$WORK" "$DEST/pakistan-ttp"

# The built-in default scenario. Its `calibration:` row sets only the parameters the
# posterior names, which the fit estimates afresh (the others keep the table's defaults), so
# the posterior made here does not depend on the previous calibration.
# A step whose outputs are already in WORK is not redone (delete WORK to start over); an
# interrupted fit resumes from WORK/fit/fit.sqlite by itself.
echo "calibrate: truce fit --sims $SIMS --particles $PARTICLES --screen-keep $KEEP --seed $SEED" >&2
[ -s "$WORK/fit/posterior.csv" ] || "$T" fit --sims "$SIMS" --particles "$PARTICLES" --screen-keep "$KEEP" --seed "$SEED" --out "$WORK/fit" -q
echo "calibrate: truce validate ppc --draws $DRAWS" >&2
[ -s "$WORK/ppc/ppc.csv" ] || "$T" validate ppc --posterior "$WORK/fit/posterior.csv" --draws "$DRAWS" --seed "$SEED" --out "$WORK/ppc" -q
# The time split must not see the data after the cutoff, so it starts from the scenario
# without its calibration (a particle fitted to all the data): the table's defaults.
UNCAL=$ROOT/scenarios/.pakistan-ttp-uncalibrated.yaml
python3 - "$SCEN" "$UNCAL" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"\ncalibration:\n  posterior: [^\n]*\n  row: [0-9]+\n", "\n", text)
open(sys.argv[2], "w").write(text)
PY
trap 'rm -f "$UNCAL"' EXIT INT TERM
echo "calibrate: truce validate forecast --cutoff $CUTOFF --sims $FORECAST_SIMS (the uncalibrated scenario)" >&2
[ -s "$WORK/forecast/forecast_scores.csv" ] || "$T" validate forecast "$UNCAL" --cutoff "$CUTOFF" --sims "$FORECAST_SIMS" --particles "$PARTICLES" \
    --draws "$DRAWS" --seed "$SEED" --out "$WORK/forecast" -q

cp "$WORK/fit/posterior.csv" "$DEST/pakistan-ttp.csv"
cp "$WORK/fit/fit.json" "$DEST/pakistan-ttp/fit.json"
for f in ppc.csv ppc_summary.csv ppc_episodes.csv ppc.json; do cp "$WORK/ppc/$f" "$DEST/pakistan-ttp/$f"; done
for f in forecast_scores.csv forecast.json; do cp "$WORK/forecast/$f" "$DEST/pakistan-ttp/$f"; done
ROW=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['closest_particle']['row'])" "$WORK/fit/fit.json")
# truce's file hash (FNV-1a 64, as summary.json and fit.json record inputs)
fnv() { python3 -c "
import sys
h = 1469598103934665603
for b in open(sys.argv[1], 'rb').read():
    h = ((h ^ b) * 1099511628211) & 0xffffffffffffffff
print('%016x' % h)" "$1"; }
PH=$(fnv "$DEST/pakistan-ttp.csv")
{
    echo "# The shipped calibration of scenarios/pakistan-ttp.yaml, made by scripts/calibrate.sh"
    echo "# settings: SIMS=$SIMS PARTICLES=$PARTICLES KEEP=$KEEP SEED=$SEED DRAWS=$DRAWS FORECAST_SIMS=$FORECAST_SIMS CUTOFF=$CUTOFF"
    echo "posterior pakistan-ttp.csv hash $PH"
    echo "closest_particle_row $ROW"
    (cd "$DEST" && for f in pakistan-ttp/*; do
        case $f in */MANIFEST.txt) continue ;; esac
        case $f in
        */forecast*) echo "file $f hash $(fnv "$f") from its own fit on the data through $CUTOFF (not this posterior)" ;;
        *) echo "file $f hash $(fnv "$f") made_with_posterior $PH" ;;
        esac
    done)
} >"$DEST/pakistan-ttp/MANIFEST.txt"
# the default scenario becomes the particle closest to the data, recorded by its row
python3 - "$SCEN" "$ROW" <<'PY'
import re, sys
path, row = sys.argv[1], sys.argv[2]
text = open(path).read()
block = ("# The calibrated parameters: the shipped posterior's particle closest to the data\n"
         "# (made by scripts/calibrate.sh; docs/calibration.md). `parameters:` below still override.\n"
         "calibration:\n  posterior: ../data/posterior/pakistan-ttp.csv\n  row: %s\n\n" % row)
text = re.sub(r"# The calibrated parameters:[^\n]*\n#[^\n]*\ncalibration:\n  posterior: \.\./data/posterior/[^\n]*\n  row: [0-9]+\n\n", "", text)
text = text.replace("\n# Overrides of the parameter table", "\n" + block + "# Overrides of the parameter table", 1)
open(path, "w").write(text)
# scenarios built on the default (scenarios/examples) keep its calibration row in step
import glob, os
root = os.path.dirname(os.path.dirname(path))
for other in glob.glob(os.path.join(root, "scenarios", "examples", "*.yaml")):
    t = open(other).read()
    t2 = re.sub(r"(posterior: (?:\.\./)+data/posterior/pakistan-ttp\.csv\n  row: )[0-9]+", r"\g<1>" + row, t)
    if t2 != t:
        open(other, "w").write(t2)
PY
echo "calibrate: data/posterior/pakistan-ttp.csv written; the default scenario uses row $ROW" >&2
