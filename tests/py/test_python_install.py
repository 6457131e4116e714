#!/usr/bin/env python3
"""`pip install --no-index --no-build-isolation ./python` into a fresh virtual environment
of the python3 that runs this (the PATH one: pip 23.2, setuptools, no `wheel`, no registry),
then `import truce` from outside the repository: the wheel (built by python/_backend, the
in-tree PEP 517 backend) carries libtruce.so, and the installed package finds it with no
environment variable. TAP output."""
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.abspath(os.environ.get("TRUCE_ROOT", os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.path.abspath(os.environ.get("TRUCE_BUILD", os.path.join(ROOT, "build")))
TRUCE = os.environ.get("TRUCE", os.path.join(BUILD, "truce"))
LIB = os.path.join(BUILD, "libtruce.so")
fails = 0


def report(ok, msg, detail=""):
    global fails
    print(("ok - " if ok else "not ok - ") + msg)
    if not ok:
        fails += 1
        if detail:
            sys.stderr.write(detail + "\n")


if b"__asan_init" in open(LIB, "rb").read():
    print("ok - # SKIP libtruce.so is built with AddressSanitizer: python cannot load it")
    sys.exit(0)
try:
    import ctypes
    ctypes.CDLL(LIB)
except OSError as e:  # e.g. a sanitizer build's library: the C suites run under it instead
    print("ok - # SKIP libtruce.so not loadable here (%s)" % e)
    sys.exit(0)

USE = r"""
import os, sys, truce
r = truce.run(seed=7, by="year", to="2003-12-31")
print(truce.LIBRARY_PATH)
print(",".join(repr(v) for v in r.values("attacks")))
print(truce.__file__)
"""

with tempfile.TemporaryDirectory() as tmp:
    venv = os.path.join(tmp, "venv")
    p = subprocess.run([sys.executable, "-m", "venv", venv], capture_output=True, text=True)
    report(p.returncode == 0, "python3 -m venv", p.stderr)
    py = os.path.join(venv, "bin", "python")
    # the build under test: the backend copies $TRUCE_LIBRARY (default ../build/libtruce.so)
    env = dict(os.environ, TRUCE_LIBRARY=LIB, PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    for k in ("PYTHONPATH",):
        env.pop(k, None)
    p = subprocess.run([py, "-m", "pip", "install", "--no-index", "--no-build-isolation",
                        os.path.join(ROOT, "python")], capture_output=True, text=True, env=env, cwd=tmp)
    report(p.returncode == 0, "pip install --no-index --no-build-isolation ./python",
           p.stdout[-3000:] + p.stderr[-3000:])
    # nothing of the repository on the path, no TRUCE_* variable, run from elsewhere
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE") and k != "PYTHONPATH"}
    p = subprocess.run([py, "-c", USE], capture_output=True, text=True, env=clean, cwd=tmp)
    lines = p.stdout.split("\n")
    ok = p.returncode == 0 and len(lines) >= 3
    report(ok, "import truce and truce.run from outside the repository", p.stderr)
    if ok:
        site = os.path.realpath(venv)
        report(os.path.realpath(lines[0]).startswith(site) and os.path.realpath(lines[2]).startswith(site),
               "the installed package and its libtruce.so come from the venv (%s)" % lines[0],
               "\n".join(lines))
        q = subprocess.run([TRUCE, "run", "--seed", "7", "--by", "year", "--to", "2003-12-31", "--out", "-"],
                           capture_output=True, text=True)
        want = [float(r["value"]) for r in csv.DictReader(io.StringIO(q.stdout))
                if r["variable"] == "attacks" and r["region"] == "all"]
        got = [float(x) for x in lines[1].split(",")]
        report(got == want and len(want) == 2, "the installed truce.run gives the CLI's numbers (%s)" % got)
    # the wheel's layout (PEP 427), from the backend's hook itself: RECORD lists every file
    out = os.path.join(tmp, "wheels")
    os.mkdir(out)
    p = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                        "import truce_build; print(truce_build.build_wheel(sys.argv[2]))",
                        os.path.join(ROOT, "python", "_backend"), out],
                       capture_output=True, text=True, env=env, cwd=tmp)
    wheels = os.listdir(out)
    report(p.returncode == 0 and wheels == [p.stdout.strip()] and wheels[0].startswith("truce-")
           and "-py3-none-" in wheels[0], "build_wheel makes one wheel (%s)" % ",".join(wheels), p.stderr)
    if wheels:
        with zipfile.ZipFile(os.path.join(out, wheels[0])) as z:
            names = set(z.namelist())
            record = [l.split(",")[0] for l in z.read([n for n in names if n.endswith("/RECORD")][0]).decode().splitlines()]
            with open(LIB, "rb") as f:
                same = z.read("truce/libtruce.so") == f.read()
        report(set(record) == names and "truce/__init__.py" in names and same,
               "the wheel's RECORD names every file; it carries the build's libtruce.so")
    shutil.rmtree(os.path.join(ROOT, "python", "_backend", "__pycache__"), ignore_errors=True)

sys.exit(1 if fails else 0)
