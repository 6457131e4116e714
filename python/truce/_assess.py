"""truce.assess and truce.portfolios: policy portfolios compared under common random numbers
(`truce assess`, docs/assess.md), written by libtruce's own writers into a private
temporary folder and read back (the CLI's files, byte for byte)."""
import ctypes
import os
import weakref

from ._common import Scenario, TempDir, command, read_json, read_text, whole, with_posterior
from ._errors import TruceInputError
from ._lib import (PROGRESS_FN, AssessOptions, Buffer, Error, b, date_days, lib, raise_error, s,
                   strings)
from ._table import Table


def portfolios():
    """The shipped portfolios (scenarios/portfolios/, compiled into the library): a list of
    dicts {file, name, description, hash, levers}, checked against the default scenario."""
    err = Error()
    sc = Scenario(None)
    out = []
    for i in range(lib.truce_portfolio_builtin_count()):
        p = lib.truce_portfolio_load_builtin(i, sc.h, err)
        if not p:
            raise_error(err)
        try:
            out.append({"file": s(lib.truce_portfolio_builtin_file(i)),
                        "name": s(lib.truce_portfolio_name(p)),
                        "description": s(lib.truce_portfolio_description(p)),
                        "hash": s(lib.truce_portfolio_hash(p)),
                        "levers": lib.truce_portfolio_lever_count(p)})
        finally:
            lib.truce_portfolio_free(p)
    return out


class AssessResult:
    """An assessment (`truce assess`): table (assessment.csv: portfolio, outcome, status_quo,
    value, diff_q05, diff_q50, diff_q95, p_better), ranking (ranking.csv), bands
    (bands.csv), replays (replays.csv), drivers (drivers.csv), summary (assessment.json),
    headline (the sentence `truce assess` prints), to_pandas() (the table), write(dir):
    the whole folder and its report.html, as `truce assess --out DIR` writes them."""

    def __init__(self, handle):
        self._h = handle
        self._fin = weakref.finalize(self, lib.truce_assess_free, handle)
        with TempDir() as tmp:
            d = os.path.join(tmp, "assessment")
            self.write(d, report=False)
            self.table = Table(read_text(os.path.join(d, "assessment.csv")),
                               strings=("portfolio", "outcome"))
            self.ranking = Table(read_text(os.path.join(d, "ranking.csv")),
                                 strings=("outcome", "portfolio"))
            self.bands = Table(read_text(os.path.join(d, "bands.csv")),
                               dates=("period_start",),
                               strings=("portfolio", "period", "geography", "variable"))
            self.replays = Table(read_text(os.path.join(d, "replays.csv")),
                                 strings=("episode", "lever", "start", "window_end", "outcome"))
            self.drivers = Table(read_text(os.path.join(d, "drivers.csv")),
                                 strings=("portfolio", "outcome", "parameter"))
            self.summary = read_json(os.path.join(d, "assessment.json"))
            buf, err = Buffer(), Error()
            if lib.truce_report_headline(b(d), buf.fn, None, err):
                raise_error(err)
            self.headline = buf.text()
        self.portfolios = [p["name"] for p in self.summary.get("portfolios", [])]

    def row(self, portfolio, outcome):
        """The assessment.csv row of (portfolio, outcome), as a dict (from truce_assess_row_at)."""
        for i in range(lib.truce_assess_row_count(self._h)):
            r = lib.truce_assess_row_at(self._h, i).contents
            if s(r.portfolio) == portfolio and s(r.outcome) == outcome:
                return {f: (s(getattr(r, f)) if f in ("portfolio", "outcome") else getattr(r, f))
                        for f, _ in type(r)._fields_}
        raise TruceInputError("no row for portfolio '%s' and outcome '%s'" % (portfolio, outcome), 2)

    def write(self, out, report=True):
        """The assessment folder out (created; an existing one is replaced only if it holds an
        assessment's own files) and, unless report=False, its report.html."""
        err = Error()
        path = os.fspath(out)
        if lib.truce_assess_write(self._h, b(path), err):
            raise_error(err)
        if report and lib.truce_report_render(b(path), err):
            raise_error(err)

    def to_pandas(self):
        return self.table.to_pandas()


def assess(scenario=None, *, portfolios=None, status_quo=None, runs=200, seed=1,
           from_="2026-01", to="2030-12", posterior=None, threads=0, runs_csv=False,
           progress=None):
    """`truce assess`: every run's history is simulated once to the day before from_, then
    the status quo and each portfolio branch from it under common random numbers.
    portfolios: portfolio files (None: the shipped ones but the status quo); status_quo:
    the reference file (None: the shipped status-quo.yaml); posterior: a posterior.csv
    (None: the scenario's calibration). progress(done, total) is called as runs finish."""
    whole(runs, "runs", 1, 2 ** 32)
    whole(seed, "seed")
    whole(threads, "threads", 0, 4096)
    opts = AssessOptions()
    lib.truce_assess_options_init(opts)
    opts.runs, opts.seed, opts.threads = runs, seed, threads
    opts.from_ = date_days(from_, "from")
    opts.to = date_days(to, "to", last=True)
    opts.runs_csv = 1 if runs_csv else 0
    if isinstance(portfolios, (str, os.PathLike)):
        portfolios = [portfolios]
    files = None if portfolios is None else [os.fspath(p) for p in portfolios]
    keep = []
    if files is not None:
        if not files:
            raise TruceInputError("portfolios: expected at least one file", 2)
        arr, enc = strings(files)
        keep += [arr, enc]
        opts.portfolios = ctypes.cast(arr, ctypes.POINTER(ctypes.c_char_p))
        opts.nportfolios = len(files)
    if status_quo is not None:
        opts.status_quo = b(os.fspath(status_quo))
        keep.append(opts.status_quo)
    if progress is not None:
        cb = PROGRESS_FN(lambda _ctx, done, total: progress(done, total))
        keep.append(cb)
        opts.progress = cb
    sc = Scenario(scenario)
    args = ["--runs", str(runs), "--seed", str(seed), "--from", str(from_), "--to", str(to)]
    if posterior is not None:
        args += ["--posterior", os.path.basename(os.fspath(posterior))]
    if status_quo is not None:
        args += ["--status-quo", os.path.basename(os.fspath(status_quo))]
    if runs_csv:
        args.append("--runs-csv")
    for f in files or []:
        args += ["--portfolio", os.path.basename(f)]
    if sc.path:
        args.append(os.path.basename(sc.path))
    cmd = b(command("assess", args))
    label = b(os.path.basename(sc.path) if sc.path else "%s (built in)" % sc.name)
    opts.command, opts.scenario_label = cmd, label
    return AssessResult(with_posterior(posterior, sc.h, opts, lambda err: lib.truce_assess_run(sc.h, opts, err)))
