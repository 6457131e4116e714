#!/usr/bin/env python3
"""The notebook-style example of docs/python.md runs: its ```python blocks, in order, in
one namespace, from a temporary folder, under this interpreter and under Debian's
/usr/bin/python3 (NumPy, pandas) when that is another one. TAP output."""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.environ.get("TRUCE_ROOT", os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.path.abspath(os.environ.get("TRUCE_BUILD", os.path.join(ROOT, "build")))
LIB = os.path.join(BUILD, "libtruce.so")

if b"__asan_init" in open(LIB, "rb").read():
    print("ok - # SKIP libtruce.so is built with AddressSanitizer: python cannot load it")
    sys.exit(0)
try:
    import ctypes
    ctypes.CDLL(LIB)
except OSError as e:  # e.g. a sanitizer build's library: the C suites run under it instead
    print("ok - # SKIP libtruce.so not loadable here (%s)" % e)
    sys.exit(0)

with open(os.path.join(ROOT, "docs", "python.md"), encoding="utf-8") as f:
    blocks = re.findall(r"^```python\n(.*?)^```", f.read(), re.S | re.M)
fails = 0
print(("ok - " if len(blocks) >= 4 else "not ok - ") + "docs/python.md has %d python blocks" % len(blocks))
fails += len(blocks) < 4
script = "\n".join("# --- block %d\n%s" % (i + 1, b) for i, b in enumerate(blocks))
env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"), TRUCE_LIBRARY=LIB, TRUCE_ROOT=ROOT)
pythons = [sys.executable]
if os.path.exists("/usr/bin/python3") and os.path.realpath("/usr/bin/python3") != os.path.realpath(sys.executable):
    pythons.append("/usr/bin/python3")
for py in pythons:
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([py, "-c", script], cwd=tmp, env=env, capture_output=True, text=True)
        ok = p.returncode == 0 and not os.listdir(tmp)
        print(("ok - " if ok else "not ok - ") + "docs/python.md example runs under %s" % py)
        if not ok:
            sys.stderr.write(p.stdout[-2000:] + p.stderr[-4000:])
            fails += 1
sys.exit(1 if fails else 0)
