#!/bin/sh
# build/truce-mpi: `mpirun -np 2 build/truce-mpi ensemble ARGS` writes the bytes that
# `build/truce ensemble ARGS` writes; only rank 0 prints; bad input exits 2 with no output.
# Prints TAP lines; exits 1 if any check fails. Missing MPI is a failure, not a skip:
# scripts/install-deps.sh installs Debian's OpenMPI for `make test`.
#
# mpirun on one machine in a container (docs/ensemble.md): --oversubscribe (more ranks
# than cores is fine), the shared-memory and self transports only (no network probing),
# no single-copy (CMA needs ptrace, often denied in containers), and root allowed when
# the tests run as root.
set -u
T=${TRUCE:?}; B=${TRUCE_BUILD:?}
M="$B/truce-mpi"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }

if ! command -v mpirun >/dev/null 2>&1 || [ ! -x "$M" ]; then
  no "mpirun and $M present (install libopenmpi-dev openmpi-bin: scripts/install-deps.sh)"
  exit 1
fi
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
ROOTOPT=""
if [ "$(id -u)" -eq 0 ]; then
  ROOTOPT="--allow-run-as-root"
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# Under `make asan`, OpenMPI's own allocations (MPI_Init's, never freed) would be reported
# as leaks; truce's code is checked for leaks by the same runs of build/truce elsewhere.
mpi() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" timeout 300 mpirun $ROOTOPT --oversubscribe -np "$@"; }

cd "$W"
$T ensemble --runs 200 --seed 4 --to 2005 --by year --threads 1 --out one -q; rc0=$?
mpi 2 "$M" ensemble --runs 200 --seed 4 --to 2005 --by year --threads 1 --out two -q >out 2>err; rc=$?
check "mpirun -np 2 truce-mpi ensemble exits 0" "[ $rc0 -eq 0 ] && [ $rc -eq 0 ]"
for f in bands.csv runs.csv summary.json; do
  check "np 2: $f identical to truce's" "cmp -s one/$f two/$f"
done
mpi 3 "$M" ensemble --runs 7 --seed 4 --to 2003 --by year --out three -q && $T ensemble --runs 7 --seed 4 --to 2003 --by year --out seven -q
check "np 3 with 7 runs (uneven ranges): identical bytes" "cmp -s three/bands.csv seven/bands.csv && cmp -s three/runs.csv seven/runs.csv && cmp -s three/summary.json seven/summary.json"
mpi 2 "$M" ensemble --runs 10 --to 2003 --by year --out talk >talk.out 2>talk.err
check "only rank 0 prints (one summary)" "[ \$(grep -c '^truce ensemble:' talk.out) -eq 1 ]"
mpi 2 "$M" ensemble --to 2003 --out badout >bad.out 2>bad.err; rc=$?
check "bad input under MPI: nonzero exit, one message, no output" \
  "[ $rc -ne 0 ] && [ \$(grep -c 'runs N is required' bad.err) -eq 1 ] && [ ! -e badout ]"
mpi 2 "$M" run --seed 2 --to 2003 --by year --out r -q && $T run --seed 2 --to 2003 --by year --out r1 -q
check "other subcommands run once, on rank 0" "cmp -s r/series.csv r1/series.csv"
exit $fail
