#!/bin/sh
# The report in headless Chromium on a small real assessment (`truce assess --runs 8 --to
# 2027-12`): no console error, no network request, every chart drawn with data, the first
# screen's numbers equal to assessment.csv's. Screenshots stay in
# $TRUCE_BUILD/test-artifacts/ (report.png: the first screen; report-full.png;
# report-phone.png at 390 px) with the folder they show (assessment/).
set -u
T=${TRUCE:-build/truce}
ROOT=${TRUCE_ROOT:-.}
ART=${TRUCE_BUILD:-build}/test-artifacts
if ! "$T" assess --help >/dev/null 2>&1; then
    echo "ok - # SKIP this build has no 'truce assess'"
    exit 0
fi
for need in node /usr/bin/chromium; do
    command -v "$need" >/dev/null 2>&1 || { echo "not ok - $need is missing (scripts/install-deps.sh installs it)"; exit 1; }
done
[ -d "$ROOT/node_modules/playwright-core" ] || { echo "not ok - node_modules/playwright-core is missing (npm ci)"; exit 1; }
mkdir -p "$ART"
rm -rf "$ART/assessment"
if ! "$T" assess --runs 8 --to 2027-12 --threads 2 --out "$ART/assessment" >/dev/null 2>"$ART/assess.err"; then
    echo "not ok - truce assess --runs 8 --to 2027-12 failed: $(tail -3 "$ART/assess.err")"
    exit 1
fi
echo "ok - truce assess --runs 8 --to 2027-12 wrote $ART/assessment"
cd "$ROOT" && node tests/browser/test_report.js "$ART/assessment" "$ART"
