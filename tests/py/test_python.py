#!/usr/bin/env python3
"""The Python package (python/truce, docs/python.md) against the CLI.

Each test_* function can also be collected by pytest (none is installed here); run as a
script it prints TAP. It runs under the interpreter that runs it (the PATH python3: no
NumPy, no pandas) and then once more under Debian's /usr/bin/python3 (NumPy and pandas)
when that is another interpreter, so that both the list and the array paths are checked.
The package under test is python/truce of this checkout, with $TRUCE_BUILD/libtruce.so.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.environ.get("TRUCE_ROOT", os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.path.abspath(os.environ.get("TRUCE_BUILD", os.path.join(ROOT, "build")))
TRUCE = os.environ.get("TRUCE", os.path.join(BUILD, "truce"))
LIB = os.path.join(BUILD, "libtruce.so")
os.environ["TRUCE_LIBRARY"] = LIB
sys.path.insert(0, os.path.join(ROOT, "python"))

SHORT = "2003-12-31"   # short horizons keep every test to a fraction of a second
SAMPLE = os.path.join(ROOT, "data", "ucdp_ged231_sample_pakistan_events.csv")


def cli(*args, ok=True):
    p = subprocess.run([TRUCE] + [str(a) for a in args], capture_output=True, text=True)
    if ok and p.returncode != 0:
        raise AssertionError("truce %s: exit %d: %s" % (" ".join(map(str, args)), p.returncode, p.stderr))
    return p


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def has_numpy():
    try:
        import numpy  # noqa: F401
        return True
    except ImportError:
        return False


BOTH = set()


def both(fn):
    """Also run under Debian's /usr/bin/python3 (NumPy, pandas): the test reads arrays or
    frames, whose types differ from the lists of a bare interpreter."""
    BOTH.add(fn.__name__)
    return fn


def aslist(x):
    return [float(v) for v in x]


def test_version_is_the_headers():
    import re
    import truce
    with open(os.path.join(ROOT, "include", "truce.h"), encoding="utf-8") as f:
        want = re.search(r'#define TRUCE_VERSION "([^"]+)"', f.read()).group(1)
    assert truce.__version__ == want, (truce.__version__, want)


# ---- truce.run ---------------------------------------------------------------------------

@both
def test_run_matches_cli_series():
    """Every value of truce.run is the number in the CLI's series.csv for the same seed and
    overrides, and csv() / summary are the CLI's bytes and summary.json."""
    import truce
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r")
        cli("run", "--seed", 7, "--run", 2, "--by", "month", "--set", "regroup_strength=0",
            "--without", "28", "--to", SHORT, "--out", out)
        r = truce.run(seed=7, run=2, by="month", set={"regroup_strength": 0}, without="28", to=SHORT)
        text = read(os.path.join(out, "series.csv"))
        assert r.csv() == text, "csv() differs from series.csv"
        rows = list(csv.DictReader(io.StringIO(text)))
        # series.csv prints whole numbers exactly and others to 10 significant digits
        # (%.10g): a relative difference of at most 5e-10 is the CSV's rounding; values()
        # are the doubles themselves.
        periods, cache = r.periods, {}
        for row in rows:
            key = (row["variable"], row["region"])
            if key not in cache:
                cache[key] = aslist(r.values(*key))
            got, want = cache[key][periods.index(row["period"])], float(row["value"])
            assert abs(got - want) <= 5e-10 * abs(want), (row, got)
            assert got == want or "." in row["value"] or "e" in row["value"], (row, got)
        assert len(rows) == sum(len(v) for v in cache.values())
        starts = [str(d) for d in r.period_starts]
        want = sorted({(row["period"], row["period_start"]) for row in rows})
        assert list(zip(periods, starts)) == want
        assert r.summary == json.loads(read(os.path.join(out, "summary.json"))), "summary differs"


@both
def test_run_daily_and_weekly():
    """Daily (the default) and weekly values equal the CLI's for one variable and region."""
    import truce
    for by in ("day", "week"):
        p = cli("run", "--seed", 3, "--by", by, "--to", "2002-06-30", "--out", "-")
        want = [float(row["value"]) for row in csv.DictReader(io.StringIO(p.stdout))
                if row["variable"] == "fighters" and row["region"] == "waziristan"]
        kw = {} if by == "day" else {"by": by}
        got = aslist(truce.run(seed=3, to="2002-06-30", **kw).values("fighters", region="waziristan"))
        assert got == want and len(want) > 20, by


@both
def test_run_arrays_and_pandas():
    """With NumPy, values() is an array; with pandas, to_pandas() is series.csv with
    period_start as datetime64; without them, lists and an ImportError."""
    import truce
    r = truce.run(seed=1, by="year", to=SHORT)
    v = r.values("attacks")
    if has_numpy():
        import numpy
        assert isinstance(v, numpy.ndarray) and v.dtype == float
    else:
        assert isinstance(v, list)
    try:
        import pandas
    except ImportError:
        try:
            r.to_pandas()
        except ImportError:
            return
        raise AssertionError("to_pandas() without pandas did not raise ImportError")
    df = r.to_pandas()
    assert list(df.columns) == ["period", "period_start", "region", "variable", "value"]
    assert str(df["period_start"].dtype).startswith("datetime64")
    sel = df[(df.variable == "attacks") & (df.region == "all")]
    assert list(sel["value"]) == aslist(v)
    assert list(sel["period"]) == ["2002", "2003"]
    assert isinstance(sel["period_start"].iloc[0], pandas.Timestamp)


def test_run_write_is_cli_output():
    """write(dir) gives the same bytes as `truce run --out dir`."""
    import truce
    with tempfile.TemporaryDirectory() as tmp:
        cli("run", "--seed", 5, "--run", 0, "--by", "quarter", "--to", SHORT, "--out", os.path.join(tmp, "a"))
        truce.run(seed=5, by="quarter", to=SHORT).write(os.path.join(tmp, "b"))
        for fn in ("series.csv", "summary.json"):
            assert read(os.path.join(tmp, "a", fn)) == read(os.path.join(tmp, "b", fn)), fn
        # a scenario file and --mean-field: summary.json names the file by its last component
        yaml = os.path.join(ROOT, "scenarios", "pakistan-ttp.yaml")
        cli("run", yaml, "--seed", 1, "--run", 0, "--by", "year", "--to", SHORT, "--mean-field",
            "--out", os.path.join(tmp, "c"))
        truce.run(yaml, by="year", to=SHORT, mean_field=True).write(os.path.join(tmp, "d"))
        for fn in ("series.csv", "summary.json"):
            assert read(os.path.join(tmp, "c", fn)) == read(os.path.join(tmp, "d", fn)), fn
        assert '"pakistan-ttp.yaml"' in read(os.path.join(tmp, "d", "summary.json"))


# ---- errors -------------------------------------------------------------------------------

def _raises(exc, fn, *a, **kw):
    try:
        fn(*a, **kw)
    except exc as e:
        return e
    raise AssertionError("%s not raised" % exc.__name__)


def test_errors_carry_the_cli_message():
    """truce's errors raise TruceInputError (code 2) with the message the CLI prints."""
    import truce
    cases = [
        (dict(set=["nosuch=1"]), ["--set", "nosuch=1"]),
        (dict(set={"regroup_strength": -5}), ["--set", "regroup_strength=-5"]),
        (dict(without="no-such-episode"), ["--without", "no-such-episode"]),
        (dict(to="2002-13"), ["--to", "2002-13"]),
    ]
    for kw, args in cases:
        p = cli("run", *args, "--out", "-", ok=False)
        assert p.returncode == 2, args
        e = _raises(truce.TruceInputError, truce.run, **kw)
        assert isinstance(e, truce.TruceError) and isinstance(e, ValueError) and e.code == 2
        assert p.stderr.strip() == "truce run: " + e.message, (p.stderr, e.message)
        assert str(e) == e.message


def test_errors_name_file_line_field():
    """A broken scenario raises with its file:line message (tests/scenarios/bad/EXPECTED)."""
    import truce
    bad = os.path.join(ROOT, "tests", "scenarios", "bad")
    n = 0
    for line in read(os.path.join(bad, "EXPECTED")).splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        e = _raises(truce.TruceInputError, truce.run, os.path.join(bad, parts[0]), to=SHORT)
        for want in parts[1:]:
            assert want in e.message, (parts[0], want, e.message)
        n += 1
    assert n >= 10
    e = _raises(truce.TruceError, truce.run, os.path.join(ROOT, "no", "such.yaml"))
    assert "such.yaml" in e.message
    # the binding's own argument checks raise the same class
    assert _raises(truce.TruceInputError, truce.run, by="fortnight").code == 2
    assert _raises(truce.TruceInputError, truce.run, seed=-1).code == 2
    e = _raises(truce.TruceInputError, lambda: truce.run(by="year", to=SHORT).values("attackz"))
    assert "attackz" in e.message


def test_events_strict_error_and_warnings():
    """Invalid event rows: warnings (TruceWarning) by default, TruceInputError with strict,
    as `truce events aggregate` (and --strict) report them."""
    import warnings
    import truce
    path = os.path.join(ROOT, "tests", "events", "bad", "wrong_types.csv")
    p = cli("events", "aggregate", "--strict", path, ok=False)
    assert p.returncode == 2
    e = _raises(truce.TruceInputError, truce.events.aggregate, path, strict=True)
    assert p.stderr.strip() == "truce events aggregate: " + e.message, (p.stderr, e.message)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        t = truce.events.aggregate(path)
    assert t.rows_invalid >= 1 and len(t.warnings) >= 1
    assert any(issubclass(x.category, truce.TruceWarning) for x in w)
    q = cli("events", "aggregate", "--csv", path)
    assert q.stdout == t.csv
    assert all(m in q.stderr for m in t.warnings)


# ---- many runs ------------------------------------------------------------------------------

@both
def test_ensemble_matches_cli():
    import truce
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "e")
        cli("ensemble", "--runs", 3, "--seed", 2, "--by", "year", "--variables", "attacks,fighters",
            "--set", "regroup_strength=0.5", "--to", SHORT, "--out", out)
        e = truce.ensemble(runs=3, seed=2, by="year", variables=["attacks", "fighters"],
                           set={"regroup_strength": 0.5}, to=SHORT)
        assert e.bands.csv == read(os.path.join(out, "bands.csv"))
        assert e.totals.csv == read(os.path.join(out, "runs.csv"))
        assert e.summary == json.loads(read(os.path.join(out, "summary.json")))
        # run i is truce.run(seed, run=i): its total over the horizon
        for i in range(3):
            one = truce.run(seed=2, run=i, by="year", set={"regroup_strength": 0.5}, to=SHORT)
            assert aslist(e.total("attacks"))[i] == sum(aslist(one.values("attacks")))
        assert len(e.bands) == 2 * 2 * (len(one.regions))


@both
def test_compare_matches_cli():
    import truce
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "c")
        cli("compare", "default", "default", "--runs", 4, "--seed", 3, "--to", SHORT,
            "--alt-set", "regroup_strength=0", "--alt-without", "1", "--out", out)
        c = truce.compare(runs=4, seed=3, to=SHORT, alt_set={"regroup_strength": 0}, alt_without=["1"])
        assert c.differences.csv == read(os.path.join(out, "differences.csv"))
        assert c.effects.csv == read(os.path.join(out, "summary.csv"))
        assert c.summary == json.loads(read(os.path.join(out, "summary.json")))
        rows = [r for r in c.differences if r["variable"] == "attacks"]
        assert aslist(c.diff("attacks")) == [r["diff"] for r in rows]
        assert c.effect("attacks")["diff_mean"] == c.effects.where(variable="attacks")[0]["diff_mean"]


def test_fit_matches_cli():
    """A tiny fit (200 simulations) gives the CLI's posterior, byte for byte."""
    import truce
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "f")
        args = ["--estimate", "init_militants,init_recruit_share", "--sims", 200, "--particles", 20,
                "--seed", 4, "--to", "2010-12-31"]
        cli("fit", *args, "--out", out)
        f = truce.fit(estimate=["init_militants", "init_recruit_share"], sims=200, particles=20,
                      seed=4, to="2010-12-31")
        assert f.posterior.csv == read(os.path.join(out, "posterior.csv"))
        assert f.parameters == ["init_militants", "init_recruit_share"]
        # fit.json as the CLI's but for the wall times
        def untimed(d):
            d = dict(d, wall_seconds=None)
            d["populations"] = [dict(p, seconds=None) for p in d["populations"]]
            return d
        want = json.loads(read(os.path.join(out, "fit.json")))
        assert untimed(f.summary) == untimed(want)
        assert want["simulations"] > 100 and len(want["populations"]) >= 2
        w = [float(line.split(",")[0]) for line in read(os.path.join(out, "posterior.csv")).splitlines()[1:]]
        assert abs(f.ess - 1 / sum(x * x for x in w)) < 1e-9 * f.ess, (f.ess, w)



def test_ensemble_prior_and_compare_posterior_match_cli():
    """Parameters from the priors (with a --set kept) and from the shipped posterior give
    the CLI's files too."""
    import truce
    post = os.path.join(ROOT, "data", "posterior", "pakistan-ttp.csv")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "e")
        cli("ensemble", "--runs", 3, "--seed", 5, "--by", "year", "--prior", "--set",
            "regroup_strength=0.25", "--to", SHORT, "--out", out)
        e = truce.ensemble(runs=3, seed=5, by="year", prior=True, set=["regroup_strength=0.25"], to=SHORT)
        assert e.totals.csv == read(os.path.join(out, "runs.csv"))
        assert e.bands.csv == read(os.path.join(out, "bands.csv"))
        assert e.summary == json.loads(read(os.path.join(out, "summary.json")))
        out = os.path.join(tmp, "c")
        # options in the order the binding records them (summary.json's command)
        cli("compare", "default", "default", "--runs", 3, "--seed", 6, "--to", SHORT, "--alt-set",
            "regroup_strength=0", "--posterior", post, "--out", out)
        c = truce.compare(runs=3, seed=6, to=SHORT, posterior=post, alt_set={"regroup_strength": 0})
        assert c.differences.csv == read(os.path.join(out, "differences.csv"))
        assert c.summary == json.loads(read(os.path.join(out, "summary.json")))


# ---- evidence --------------------------------------------------------------------------------

@both
def test_events_aggregate_matches_cli():
    import truce
    p = cli("events", "aggregate", "--by", "year", "--group", "dyad,type", "--csv", SAMPLE)
    t = truce.events.aggregate(SAMPLE, by="year", group=["dyad", "type"])
    assert t.csv == p.stdout
    assert t.columns[:3] == ["period", "dyad", "type"]
    assert sum(t["events"]) == t.rows_read - t.rows_invalid > 0
    assert all(isinstance(r["type"], str) for r in t)   # keys stay text ("1", "2", "3")


def test_episodes_matches_cli():
    import truce
    p = cli("episodes", "--csv", "--placebos", 50, "--window", "6m")
    t = truce.episodes(placebos=50, window="6m")
    assert t.csv == p.stdout and len(t) > 10
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r")
        cli("run", "--by", "month", "--to", "2012-12-31", "--out", out, "-q")
        p = cli("episodes", "--csv", "--placebos", 20, "--series", os.path.join(out, "series.csv"))
        r = truce.run(by="month", to="2012-12-31")
        assert truce.episodes(r, placebos=20).csv == p.stdout
    e = _raises(truce.TruceInputError, truce.episodes, episode="no-such-id")
    assert "no-such-id" in e.message


@both
def test_params_match_cli():
    import truce
    p = cli("params", "--csv")
    want = list(csv.DictReader(io.StringIO(p.stdout)))
    got = truce.params()
    assert len(got) == len(want) > 50
    for g, w in zip(got, want):
        assert g["name"] == w["name"] and g["prior"] == w["prior"]
        for k in ("default", "a", "b", "lo", "hi"):
            assert g[k] == float(w[k]), (w["name"], k)
    names = [v["name"] for v in truce.variables()]
    assert "attacks" in names and "militants" in names


# ---- the GIL -----------------------------------------------------------------------------------

GIL_CHECK = r"""
import os, sys, tempfile, threading, time
import truce
sample = sys.argv[1]
with tempfile.TemporaryDirectory() as tmp:
    fifo = os.path.join(tmp, "events.csv")
    os.mkfifo(fifo)
    box = {}
    def writer():
        try:
            box["table"] = truce.events.aggregate(sample, by="year", out=fifo)
        except BaseException as e:
            box["error"] = e
    t = threading.Thread(target=writer, daemon=True)
    t.start()
    time.sleep(0.3)   # let the writer reach open() of the FIFO inside the C call
    r = truce.run(by="year", to="2003-12-31")   # runs while the other call waits in C
    assert t.is_alive() and not box, "the writer returned before its FIFO was read: %r" % box
    with open(fifo, encoding="utf-8") as f:
        text = f.read()
    t.join(30)
    assert not t.is_alive() and "error" not in box, box
    assert text == box["table"].csv and text.startswith("period,group,events,deaths")
    assert len(r.values("attacks")) == 2
print("released")
"""


def test_gil_released_during_a_call():
    """While one thread is inside libtruce (truce_event_table_write blocked opening a FIFO
    that nobody reads yet: a FIFO is written directly, docs/events.md), the main thread runs
    Python and a whole truce.run, and then reads the FIFO. Were the GIL held during the C
    call, the main thread could never run again and the process would hang: it runs in a
    child process, killed after 60 s."""
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    try:
        p = subprocess.run([sys.executable, "-c", GIL_CHECK, SAMPLE], env=env, capture_output=True,
                           text=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise AssertionError("hung: the GIL is held during a call into libtruce") from None
    assert p.returncode == 0 and p.stdout.strip() == "released", p.stderr


def test_two_runs_in_two_threads():
    """Two runs in two threads at once give the single-threaded numbers (libtruce has no
    global mutable state)."""
    import truce
    want = {s: aslist(truce.run(seed=s, by="month", to=SHORT).values("attacks")) for s in (1, 2)}
    got = {}

    def go(s):
        got[s] = aslist(truce.run(seed=s, by="month", to=SHORT).values("attacks"))
    ts = [threading.Thread(target=go, args=(s,)) for s in (1, 2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert got == want


# ---- truce.assess, truce.portfolios -------------------------------------------------------

PORTFOLIOS = os.path.join(ROOT, "scenarios", "portfolios")
ASSESS = ("--runs", "6", "--to", "2026-06")   # a short assessment: 6 histories, 6 months


def test_portfolios_are_the_shipped_files():
    """truce.portfolios() lists every shipped file with its own `name:` and its lever count."""
    import re
    import truce
    got = truce.portfolios()
    files = sorted(f for f in os.listdir(PORTFOLIOS) if f.endswith(".yaml"))
    assert sorted(p["file"] for p in got) == files, (got, files)
    for p in got:
        text = read(os.path.join(PORTFOLIOS, p["file"]))
        assert p["name"] == re.search(r"^name: *(.+?) *$", text, re.M).group(1), p
        # one list entry a lever (block or flow style), and one more for each demobilisation
        # programme a ceasefire or peace deal carries (docs/portfolios.md)
        want = len(re.findall(r"^  - ", text, re.M)) + len(re.findall(r"\bdemobilisation:", text))
        assert p["levers"] == want, (p, want)
        assert re.fullmatch(r"[0-9a-f]{16}", p["hash"]), p


@both
def test_assess_matches_cli():
    """truce.assess gives the CLI's assessment.csv, ranking.csv and bands.csv bytes and its
    assessment.json (but for the command line), prints the same headline, and write() makes
    the folder and its report.html as `truce assess --out` does."""
    import truce
    pf = [os.path.join(PORTFOLIOS, f) for f in ("intelligence-ops.yaml", "talks-ceasefire.yaml")]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cli")
        p = cli("assess", *ASSESS, "--portfolio", pf[0], "--portfolio", pf[1], "--out", out)
        done = []
        r = truce.assess(runs=6, to="2026-06", portfolios=pf, progress=lambda d, t: done.append((d, t)))
        for name, table in (("assessment.csv", r.table), ("ranking.csv", r.ranking), ("bands.csv", r.bands)):
            assert table.csv == read(os.path.join(out, name)), name
        want = json.loads(read(os.path.join(out, "assessment.json")))
        assert {k: v for k, v in r.summary.items() if k != "command"} == \
            {k: v for k, v in want.items() if k != "command"}
        assert r.headline and r.headline in p.stdout, (r.headline, p.stdout)
        assert r.portfolios == ["status-quo", "intelligence-ops", "talks-ceasefire"], r.portfolios
        assert done and done[-1][0] == done[-1][1], done[-3:]
        for want_row in r.table:   # truce_assess_row_at's numbers, printed as the CSV's %.6g
            got = r.row(want_row["portfolio"], want_row["outcome"])
            for k in ("status_quo", "value", "diff_q05", "diff_q50", "diff_q95"):
                assert float("%.6g" % got[k]) == float(want_row[k]), (k, got, want_row)
        mine = os.path.join(tmp, "py")
        r.write(mine)
        assert read(os.path.join(mine, "assessment.csv")) == read(os.path.join(out, "assessment.csv"))
        assert os.path.getsize(os.path.join(mine, "report.html")) > 10000


def test_assess_errors_name_the_portfolio_file():
    """A broken portfolio is TruceInputError (the CLI's exit 2) naming file, line and field;
    a non-portfolio folder is never replaced by write()."""
    import truce
    bad = os.path.join(ROOT, "tests", "portfolios", "bad", "unknown-lever.yaml")
    try:
        truce.assess(runs=2, to="2026-02", portfolios=[bad])
        raise AssertionError("no error for %s" % bad)
    except truce.TruceInputError as e:
        assert e.code == 2 and "unknown-lever.yaml:" in e.message, e.message
    try:
        truce.assess(runs=2, to="2026-02", portfolios=[])
        raise AssertionError("no error for an empty portfolio list")
    except truce.TruceInputError as e:
        assert e.code == 2, e.message
    r = truce.assess(runs=2, to="2026-02", portfolios=[os.path.join(PORTFOLIOS, "area-ops.yaml")])
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "mine.txt"), "w") as f:
            f.write("not truce's")
        try:
            r.write(tmp)
            raise AssertionError("write() replaced a folder that is not an assessment")
        except truce.TruceError:
            pass
        assert read(os.path.join(tmp, "mine.txt")) == "not truce's"


# ---- runner ------------------------------------------------------------------------------------

def main():
    tag = "[%s%s] " % (os.path.basename(sys.executable), " numpy" if has_numpy() else "")
    if b"__asan_init" in open(LIB, "rb").read():
        print("ok - # SKIP libtruce.so is built with AddressSanitizer: python cannot load it")
        return 0
    try:
        import ctypes
        ctypes.CDLL(LIB)
    except OSError as e:  # e.g. a sanitizer build's library: the C suites run under it instead
        print("ok - # SKIP libtruce.so not loadable here (%s)" % e)
        return 0
    fails = 0
    child = bool(os.environ.get("TRUCE_PY_CHILD"))
    for name, fn in sorted((n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)):
        if child and name not in BOTH:
            continue
        try:
            fn()
            print("ok - %s%s" % (tag, name))
        except Exception as e:   # one failing test does not hide the others
            import traceback
            print("not ok - %s%s: %s" % (tag, name, e))
            traceback.print_exc(file=sys.stderr)
            fails += 1
    other = "/usr/bin/python3"
    if (not os.environ.get("TRUCE_PY_CHILD") and os.path.exists(other)
            and os.path.realpath(other) != os.path.realpath(sys.executable)):
        env = dict(os.environ, TRUCE_PY_CHILD="1")
        p = subprocess.run([other, __file__], env=env, capture_output=True, text=True)
        sys.stdout.write(p.stdout)
        sys.stderr.write(p.stderr)
        if p.returncode != 0:
            fails += 1
            if "not ok" not in p.stdout:
                print("not ok - %s exited %d" % (other, p.returncode))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
