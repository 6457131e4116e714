"""A PEP 517 build backend for the truce package, in the standard library only.

pip 23.2 with --no-build-isolation and no `wheel` package cannot build a wheel through
setuptools (bdist_wheel lives in `wheel`), and no registry can be reached here; a wheel is
only a zip file with a .dist-info folder (PEP 427), so this backend writes one itself:
truce/*.py, truce/libtruce.so (copied from ../build/libtruce.so, or from $TRUCE_LIBRARY;
built with `make` when missing), and truce-VERSION.dist-info/{METADATA,WHEEL,top_level.txt,
RECORD}. The wheel is tagged py3-none-<platform>: it holds a native library, but no
extension module, so it fits any Python 3 on this platform.
"""
import base64
import hashlib
import io
import os
import re
import subprocess
import sys
import sysconfig
import tarfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # python/
REPO = os.path.dirname(HERE)
NAME = "truce"


def _version():
    try:
        with open(os.path.join(REPO, "include", "truce.h"), encoding="utf-8") as f:
            m = re.search(r'#define TRUCE_VERSION "([^"]+)"', f.read())
        if m:
            return m.group(1)
    except OSError:
        pass
    with open(os.path.join(HERE, "truce", "__init__.py"), encoding="utf-8") as f:
        return re.search(r'__version__ = "([^"]+)"', f.read()).group(1)


def _tag():
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "py3-none-" + plat


def _library():
    path = os.environ.get("TRUCE_LIBRARY") or os.path.join(REPO, "build", "libtruce.so")
    if not os.path.exists(path):
        if os.environ.get("TRUCE_LIBRARY"):
            raise RuntimeError("truce_build: TRUCE_LIBRARY=%s does not exist" % path)
        print("truce_build: %s missing: running make" % path, file=sys.stderr)
        subprocess.run(["make", "-C", REPO, "build/libtruce.so"], check=True,
                       stdout=sys.stderr)
    with open(path, "rb") as f:
        data = f.read()
    if b"__asan_init" in data:
        raise RuntimeError("truce_build: %s is an AddressSanitizer build, which Python cannot "
                           "load: build the plain one (make)" % path)
    return data


def _metadata(version):
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n"
            "Summary: Python binding of libtruce (ctypes over the public C API)\n"
            "Requires-Python: >=3.8\n\n"
            "See docs/python.md in the truce repository.\n" % (NAME, version))


def _wheel_file():
    return ("Wheel-Version: 1.0\nGenerator: truce_build\nRoot-Is-Purelib: false\nTag: %s\n"
            % _tag())


def _sources():
    pkg = os.path.join(HERE, NAME)
    for fn in sorted(os.listdir(pkg)):
        if fn.endswith(".py"):
            with open(os.path.join(pkg, fn), "rb") as f:
                yield NAME + "/" + fn, f.read()


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    version = _version()
    dist = "%s-%s.dist-info" % (NAME, version)
    os.makedirs(os.path.join(metadata_directory, dist), exist_ok=True)
    for fn, text in (("METADATA", _metadata(version)), ("WHEEL", _wheel_file())):
        with open(os.path.join(metadata_directory, dist, fn), "w", encoding="utf-8") as f:
            f.write(text)
    return dist


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    dist = "%s-%s.dist-info" % (NAME, version)
    files = list(_sources()) + [(NAME + "/libtruce.so", _library())]
    files += [(dist + "/METADATA", _metadata(version).encode()),
              (dist + "/WHEEL", _wheel_file().encode()),
              (dist + "/top_level.txt", (NAME + "\n").encode())]
    record = [_record_line(n, d) for n, d in files] + [dist + "/RECORD,,"]
    files.append((dist + "/RECORD", ("\n".join(record) + "\n").encode()))
    wheel = "%s-%s-%s.whl" % (NAME, version, _tag())
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in files:
            info = zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if n.endswith(".so") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, d)
    return wheel


def build_sdist(sdist_directory, config_settings=None):
    """The Python sources alone (the wheel needs the repository's libtruce.so)."""
    version = _version()
    base = "%s-%s" % (NAME, version)
    name = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as t:
        def add(rel):
            t.add(os.path.join(HERE, rel), arcname=base + "/" + rel, recursive=False)
        add("pyproject.toml")
        add("_backend/truce_build.py")
        for n, _ in _sources():
            add(n)
        meta = _metadata(version).encode()
        info = tarfile.TarInfo(base + "/PKG-INFO")
        info.size = len(meta)
        t.addfile(info, io.BytesIO(meta))
    return name
