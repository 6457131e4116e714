#!/bin/sh
# Install the Debian packages truce needs, if any is missing. Called first by `make run`
# and `make test`, so that either works alone on a new machine. Idempotent and quiet when
# everything is already there.
set -eu

# Extra package names given as arguments are installed too (e.g. valgrind for `make valgrind`).
# libclang-rt-dev holds the libFuzzer runtime (only "recommended" by clang, and recommends
# are not installed here). g++ compiles the header test as C++; python3-pandas is for the
# tests that read outputs as a notebook user would (Debian's /usr/bin/python3).
# libopenmpi-dev and openmpi-bin: build/truce-mpi (mpicc) and its test (mpirun).
# libsqlite3-dev: the run store of `truce fit` (DIR/fit.sqlite).
# pkgconf: `make install` writes truce.pc and its test reads it.
# libmicrohttpd-dev: `truce serve`. chromium: the headless-browser tests of the report and
# the explorer. `npm ci` below (Node.js and npm come with the machine) installs uPlot (inlined into the report and
# the explorer at build time) and playwright-core (drives chromium), pinned by
# package-lock.json.
PACKAGES="make gcc g++ clang libclang-rt-dev libc6-dev libyaml-dev libsqlite3-dev librandom123-dev libcmocka-dev python3 python3-pandas libopenmpi-dev openmpi-bin pkgconf libmicrohttpd-dev chromium $*"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
# The npm packages, from the committed lockfile, when node_modules is missing or older
# than the lockfile (run from the repository root, where package-lock.json is).
npm_install() {
    if [ -f package-lock.json ] && { [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
        echo "truce: installing the npm packages of package-lock.json (npm ci)" >&2
        npm ci --no-audit --no-fund --loglevel=error >&2
    fi
}
[ -z "$missing" ] && { npm_install; exit 0; }

echo "truce: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "truce: need root (or sudo) to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
npm_install
