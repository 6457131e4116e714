"""Shared plumbing: scenarios, provenance, temporary output folders."""
import ctypes
import json
import os
import re
import shutil
import tempfile
import weakref

from ._errors import TruceInputError
from ._lib import Error, Provenance, b, lib, raise_error, s, strings

_PLAIN = re.compile(r"^[A-Za-z0-9\-_=.,:/+@%]+$")


def quote(arg):
    """One argument as the CLI's summary.json records it (cli_command_line in cli/main.c)."""
    arg = str(arg)
    if "/" in arg:
        eq = arg.find("=")
        arg = arg[:eq + 1] + os.path.basename(arg[eq + 1:]) if arg.startswith("-") and eq >= 0 \
            else os.path.basename(arg)
    if arg and _PLAIN.match(arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"


def command(name, args):
    return " ".join(["truce " + name] + [quote(a) for a in args])


def assignments(values, what):
    """`set` as a dict {NAME: VALUE} or a sequence of "NAME=VALUE" -> ["NAME=VALUE", ...]."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    if isinstance(values, dict):
        out = []
        for k, v in values.items():
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                raise TruceInputError("%s: %s: the value must be a number, not %r" % (what, k, v), 2)
            out.append("%s=%s" % (k, v if isinstance(v, str) else repr(v)))
        return out
    out = []
    for a in values:
        if not isinstance(a, str) or "=" not in a:
            raise TruceInputError("%s: '%s' is not NAME=VALUE" % (what, a), 2)
        out.append(a)
    return out


def ids(values, what):
    if values is None:
        return []
    if isinstance(values, (str, int)):
        values = [values]
    out = [str(v) for v in values]
    if len(set(out)) != len(out):
        raise TruceInputError("%s: an episode is given twice" % what, 2)
    return out


class Scenario:
    """A loaded scenario (owned handle) with what was done to it."""

    def __init__(self, scenario=None, set=None, without=None, to=None, what=""):
        err = Error()
        if scenario is None or (isinstance(scenario, str) and scenario == "default"):
            self.path = None
            h = lib.truce_scenario_load_default(err)
        else:
            self.path = os.fspath(scenario)
            h = lib.truce_scenario_load(b(self.path), err)
        if not h:
            raise_error(err)
        self.h = h
        self._fin = weakref.finalize(self, lib.truce_scenario_free, h)
        self.sets = assignments(set, what + "set")
        self.withouts = ids(without, what + "without")
        self.to = None if to is None else str(to)
        for a in self.sets:
            if lib.truce_scenario_set(h, b(a), err):
                raise_error(err)
        for w in self.withouts:
            if lib.truce_scenario_remove_episode(h, b(w), err):
                raise_error(err)
        if self.to is not None and lib.truce_scenario_set_end(h, b(self.to), err):
            raise_error(err)

    @property
    def name(self):
        return s(lib.truce_scenario_name(self.h))

    def input(self, prefix=""):
        """The "NAME:HASH" of summary.json's inputs, as the CLI writes it."""
        loaded = s(lib.truce_scenario_loaded_hash(self.h))
        if self.path is None:
            return "%s%s (built in):%s" % (prefix, self.name, loaded)
        return "%s%s:%s" % (prefix, os.path.basename(self.path), loaded)

    def args(self, set_flag="--set", without_flag="--without", to=True):
        out = []
        for a in self.sets:
            out += [set_flag, a]
        for w in self.withouts:
            out += [without_flag, w]
        if to and self.to is not None:
            out += ["--to", self.to]
        return out


class Prov:
    """A truce_provenance and the buffers it points into (kept alive with it)."""

    def __init__(self, command_text, sets=(), withouts=(), to=None, inputs=()):
        self._keep = []
        p = Provenance()
        p.command = b(command_text)
        for field, seq in (("sets", sets), ("withouts", withouts), ("inputs", inputs)):
            arr, enc = strings(list(seq))
            self._keep += [arr, enc]
            setattr(p, field, ctypes.cast(arr, ctypes.POINTER(ctypes.c_char_p)))
            setattr(p, "n" + field, len(seq))
        p.to = b(to)
        self.p = p


def with_posterior(posterior, scenario_handle, opts, call):
    """call(err) with opts.posterior set to the posterior.csv at `posterior` (None: left
    unset), read against the scenario and freed once call returns; call's handle, or the
    error it set raised."""
    err = Error()
    post = None
    if posterior is not None:
        post = lib.truce_posterior_load(b(os.fspath(posterior)), scenario_handle, err)
        if not post:
            raise_error(err)
        opts.posterior = post
    try:
        h = call(err)
        if not h:
            raise_error(err)
        return h
    finally:
        if post:
            lib.truce_posterior_free(post)


class TempDir:
    """A private temporary folder, removed on exit."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="truce-py-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def check_out_dir(out, what):
    """The target of a write(): a str or path-like."""
    if not isinstance(out, (str, os.PathLike)) or not os.fspath(out):
        raise TruceInputError("%s: an output folder is needed" % what, 2)
    return os.fspath(out)


def whole(v, what, lo=0, hi=2 ** 64 - 1):
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise TruceInputError("%s: '%s' is not a whole number in %d..%d" % (what, v, lo, hi), 2)
    return v


def number(v, what):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TruceInputError("%s: '%s' is not a number" % (what, v), 2)
    return float(v)

