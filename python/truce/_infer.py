"""truce.ensemble, truce.compare, truce.fit: many runs, written by libtruce's own writers
into a private temporary folder and read back (the CLI's files, byte for byte)."""
import ctypes
import os
import warnings
import weakref

from ._common import (Prov, Scenario, TempDir, check_out_dir, command, number, read_json,
                      read_text, whole, with_posterior)
from ._errors import TruceInputError
from ._evidence import TruceWarning
from ._lib import (CompareOptions, CompareRow, EnsembleOptions, Error, FitOptions, b,
                   date_days, lib, period, raise_error, s, strings, variable)
from ._table import Table, _np


def _names(values, what):
    if values is None:
        return None
    if isinstance(values, str):
        values = values.split(",")
    values = list(values)
    if not values or any(not isinstance(v, str) or not v for v in values):
        raise TruceInputError("%s: expected names, got %r" % (what, values), 2)
    return values


class EnsembleResult:
    """N runs of one scenario (`truce ensemble`): bands (bands.csv: period, period_start,
    region, variable, mean, q05, q25, q50, q75, q95), totals (runs.csv: each run's flow
    totals and final stocks), summary (summary.json), to_pandas() (the bands),
    total(variable) (each run's value, a NumPy array or a list), write(dir)."""

    def __init__(self, sc, handle, prov, keep):
        self._scenario, self._h, self._prov, self._keep = sc, handle, prov, keep
        self._fin = weakref.finalize(self, lib.truce_ensemble_free, handle)
        with TempDir() as tmp:
            d = os.path.join(tmp, "ensemble")
            self.write(d)
            self.bands = Table(read_text(os.path.join(d, "bands.csv")), dates=("period_start",),
                               strings=("period", "region", "variable"))
            self.totals = Table(read_text(os.path.join(d, "runs.csv")),
                                strings=("params_hash", "variable"), ints=("run",))
            self.summary = read_json(os.path.join(d, "summary.json"))

    def write(self, out):
        """bands.csv, runs.csv and summary.json into out, as `truce ensemble --out out`."""
        err = Error()
        if lib.truce_ensemble_write(self._h, b(check_out_dir(out, "write")), self._prov.p, err):
            raise_error(err)

    def total(self, variable_name):
        """Run i's value of the variable for the region "all": a flow's total over the
        horizon, a stock's value on the last day (runs.csv)."""
        variable(variable_name)
        vals = [r["value"] for r in self.totals if r["variable"] == variable_name]
        if not vals:
            raise TruceInputError("variable: '%s' was not banded" % variable_name, 2)
        return _np.asarray(vals, dtype=float) if _np is not None else vals

    def to_pandas(self):
        return self.bands.to_pandas()

    def __repr__(self):
        return "<truce.EnsembleResult %d runs>" % self.summary.get("runs", 0)


def ensemble(scenario=None, *, runs, seed=1, by="month", variables=None, params=None,
             prior=False, posterior=None, set=None, without=None, to=None, threads=0):
    """`truce ensemble`: runs runs of the scenario (run i is truce.run(seed=seed, run=i));
    the bands of their series by period `by`. params: a CSV of parameter rows; prior: run
    i's parameters drawn from the priors; posterior: a posterior.csv (one particle per run
    drawn by weight); parameters given in `set` keep their value under prior/posterior."""
    whole(runs, "runs", 1, 2 ** 32)
    whole(seed, "seed")
    whole(threads, "threads", 0, 4096)
    if (1 if prior else 0) + (params is not None) + (posterior is not None) > 1:
        raise TruceInputError("params, prior and posterior exclude each other", 2)
    opts = EnsembleOptions()
    lib.truce_ensemble_options_init(opts)
    opts.runs, opts.seed, opts.threads = runs, seed, threads
    opts.by = period(by)
    args = []
    names = _names(variables, "variables")
    if names is not None:
        mask = 0
        for n in names:
            mask |= 1 << variable(n, "variables")
        opts.variables = mask
    sc = Scenario(scenario, set, without, to)
    keep = []
    if params is not None:
        opts.params_source, opts.params_file = 1, b(os.fspath(params))
    if prior or posterior is not None:
        if prior:
            opts.params_source = 2
        else:
            opts.params_source, opts.params_file = 3, b(os.fspath(posterior))
        arr, enc = strings([a.split("=", 1)[0] for a in sc.sets])
        keep += [arr, enc]
        opts.prior_keep = ctypes.cast(arr, ctypes.POINTER(ctypes.c_char_p))
        opts.nprior_keep = len(sc.sets)
    args = ["--runs", str(runs), "--seed", str(seed), "--by", by]
    if names is not None:
        args += ["--variables", ",".join(names)]
    if params is not None:
        args += ["--params", os.fspath(params)]
    if prior:
        args.append("--prior")
    if posterior is not None:
        args += ["--posterior", os.fspath(posterior)]
    args += sc.args()
    args += [sc.path] if sc.path else []   # positional last, as getopt_long permutes argv
    err = Error()
    h = lib.truce_ensemble_new(sc.h, opts, err)
    if not h:
        raise_error(err)
    try:
        if lib.truce_ensemble_run_range(h, 0, runs, err) != 0:
            raise_error(err)
    except BaseException:
        lib.truce_ensemble_free(h)
        raise
    prov = Prov(command("ensemble", args), sc.sets, sc.withouts, sc.to, [sc.input()])
    return EnsembleResult(sc, h, prov, keep)


class CompareResult:
    """Paired runs of BASE and ALT under common random numbers (`truce compare`):
    differences (differences.csv: run, variable, base, alt, diff = alt - base), effects
    (summary.csv: variable, base_mean, alt_mean, diff_mean, diff_q05/q50/q95, p_alt_lower),
    summary (summary.json), diff(variable) (each pair's difference), branch_day,
    to_pandas() (the differences), write(dir)."""

    def __init__(self, base, alt, handle, prov):
        self._base, self._alt, self._h, self._prov = base, alt, handle, prov
        self._fin = weakref.finalize(self, lib.truce_compare_free, handle)
        self.variables = [s(lib.truce_compare_variable(k)) for k in range(6)]
        self.runs = lib.truce_compare_runs(handle)
        day = lib.truce_compare_branch_day(handle)
        out = ctypes.create_string_buffer(11)
        lib.truce_date_format(day, out)
        self.branch_day = s(out.value)
        with TempDir() as tmp:
            d = os.path.join(tmp, "compare")
            self.write(d)
            self.differences = Table(read_text(os.path.join(d, "differences.csv")),
                                     strings=("variable",), ints=("run",))
            self.effects = Table(read_text(os.path.join(d, "summary.csv")), strings=("variable",))
            self.summary = read_json(os.path.join(d, "summary.json"))

    def write(self, out):
        err = Error()
        if lib.truce_compare_write(self._h, b(check_out_dir(out, "write")), self._prov.p, err):
            raise_error(err)

    def _k(self, name):
        if name not in self.variables:
            raise TruceInputError("variable: '%s' is not one of %s" % (name, ", ".join(self.variables)), 2)
        return self.variables.index(name)

    def values(self, variable_name):
        """(base, alt): each pair's values of the variable."""
        k = self._k(variable_name)
        x, y = ctypes.c_double(), ctypes.c_double()
        base, alt = [], []
        for i in range(self.runs):
            lib.truce_compare_value(self._h, i, k, x, y)
            base.append(x.value)
            alt.append(y.value)
        if _np is not None:
            return _np.asarray(base), _np.asarray(alt)
        return base, alt

    def diff(self, variable_name):
        """alt - base, pair by pair."""
        base, alt = self.values(variable_name)
        if _np is not None:
            return alt - base
        return [a - b_ for a, b_ in zip(alt, base)]

    def effect(self, variable_name):
        """The summary.csv row of the variable, as a dict (from truce_compare_summary)."""
        row = CompareRow()
        lib.truce_compare_summary(self._h, self._k(variable_name), row)
        return {f: (s(getattr(row, f)) if f == "variable" else getattr(row, f))
                for f, _ in CompareRow._fields_}

    def to_pandas(self):
        return self.differences.to_pandas()


def compare(base=None, alt=None, *, runs=100, seed=1, from_=None, to=None, alt_set=None,
            alt_without=None, posterior=None, threads=0, no_branch=False):
    """`truce compare BASE ALT`: runs pairs; pair i runs both with the same seed and run
    index. base, alt: scenario files or None/"default"; alt_set / alt_without change ALT
    only; from_ / to: the window counted (both simulations end at `to`)."""
    whole(runs, "runs", 1, 2 ** 32)
    whole(seed, "seed")
    whole(threads, "threads", 0, 4096)
    opts = CompareOptions()
    lib.truce_compare_options_init(opts)
    opts.runs, opts.seed, opts.threads = runs, seed, threads
    opts.no_branch = 1 if no_branch else 0
    if from_ is not None:
        opts.from_ = date_days(from_, "from")
    if to is not None:
        opts.to = date_days(to, "to", last=True)
    bs = Scenario(base, to=to, what="base ")
    # as the CLI: ALT's overrides first, then --to on both
    al = Scenario(alt, set=alt_set, without=alt_without, to=to, what="alt_")
    h = with_posterior(posterior, bs.h, opts, lambda err: lib.truce_compare_run(bs.h, al.h, opts, err))
    names = [bs.path or "default", al.path or "default"]
    args = ["--runs", str(runs), "--seed", str(seed)]
    if from_ is not None:
        args += ["--from", str(from_)]
    if to is not None:
        args += ["--to", str(to)]
    args += al.args("--alt-set", "--alt-without", to=False)
    if posterior is not None:
        args += ["--posterior", os.fspath(posterior)]
    if no_branch:
        args.append("--no-branch")
    args += names   # positional last, as getopt_long permutes argv
    inputs = [bs.input("base ") if bs.path else "base pakistan-ttp (built in):" + s(lib.truce_scenario_loaded_hash(bs.h)),
              al.input("alt ") if al.path else "alt pakistan-ttp (built in):" + s(lib.truce_scenario_loaded_hash(al.h))]
    prov = Prov(command("compare", args), al.sets, al.withouts, None if to is None else str(to), inputs)
    return CompareResult(bs, al, h, prov)


class FitResult:
    """A calibration (`truce fit`): posterior (posterior.csv: weight, then the estimated
    parameters), summary (fit.json), ess (the last weights' effective sample size; below a
    tenth of the particles a TruceWarning says so), to_pandas() (the posterior), write(dir)."""

    def __init__(self, handle, prov, data):
        self._h, self._prov = handle, prov
        self._fin = weakref.finalize(self, lib.truce_fit_free, handle)
        self._data = data  # the reported tables: kept (and freed) with the fit
        with TempDir() as tmp:
            self.write(tmp)
            self.posterior = Table(read_text(os.path.join(tmp, "posterior.csv")))
            self.summary = read_json(os.path.join(tmp, "fit.json"))
        self.parameters = [c for c in self.posterior.columns if c != "weight"]
        # as the CLI: a posterior that rests on few particles (Kish's effective sample size
        # of the last weights below a tenth of the particles) is worth a warning
        w = [float(x) for x in self.posterior["weight"]]
        sw2 = sum(x * x for x in w)
        self.ess = 1.0 / sw2 if sw2 > 0 else 0.0
        if self.ess < 0.1 * len(w):
            warnings.warn("the last population's effective sample size is %.1f of %d particles: the "
                          "posterior rests on few of them" % (self.ess, len(w)), TruceWarning, stacklevel=3)

    def write(self, out):
        """posterior.csv and fit.json into the existing folder out."""
        err = Error()
        if lib.truce_fit_write(self._h, b(check_out_dir(out, "write")), self._prov.p, err):
            raise_error(err)

    def to_pandas(self):
        return self.posterior.to_pandas()


def fit(scenario=None, *, data=None, estimate=None, sims=20000, particles=500, seed=1,
        threads=0, cutoff=None, quantile=0.5, kernel="beaumont", min_acceptance=0.01,
        min_tolerance=0.0, max_populations=30, batch=64, screen_keep=6, set=None, to=None,
        store=None, restart=False):
    """`truce fit`: ABC-SMC calibration against reported series (data: one or more files;
    None: the shipped ones). store: a SQLite run store to resume from (None: in memory)."""
    whole(sims, "sims", 1)
    whole(particles, "particles", 1)
    whole(seed, "seed")
    whole(threads, "threads", 0, 4096)
    whole(max_populations, "max_populations", 0, 2 ** 32 - 1)
    whole(batch, "batch", 1)
    whole(screen_keep, "screen_keep", 1, 64)
    if kernel not in ("beaumont", "olcm"):
        raise TruceInputError("kernel: '%s' is not one of beaumont, olcm" % kernel, 2)
    opts = FitOptions()
    lib.truce_fit_options_init(opts)
    opts.sims, opts.particles, opts.seed, opts.threads = sims, particles, seed, threads
    opts.quantile = number(quantile, "quantile")
    opts.kernel = 0 if kernel == "beaumont" else 1
    opts.min_acceptance = number(min_acceptance, "min_acceptance")
    opts.min_tolerance = number(min_tolerance, "min_tolerance")
    opts.max_populations, opts.batch, opts.screen_keep = max_populations, batch, screen_keep
    opts.restart = 1 if restart else 0
    if cutoff is not None:
        opts.cutoff = date_days(cutoff, "cutoff", last=True)
    names = _names(estimate, "estimate")
    keep = []
    if names:
        arr, enc = strings(names)
        keep += [arr, enc]
        opts.estimate = ctypes.cast(arr, ctypes.POINTER(ctypes.c_char_p))
        opts.nestimate = len(names)
    if store is not None:
        opts.store = b(os.fspath(store))
    sc = Scenario(scenario, set, None, to)
    for a in sc.sets:
        if names and a.split("=", 1)[0] in names:
            raise TruceInputError("'%s' is both set and estimated" % a.split("=", 1)[0], 2)
    err = Error()
    datas = [] if data is None else [data] if isinstance(data, (str, os.PathLike)) else list(data)
    tables, inputs = [], [sc.input()]
    joined = None
    try:
        for d in datas:
            t = lib.truce_reported_load(b(os.fspath(d)), err)
            if not t:
                raise_error(err)
            tables.append(t)
            hsh = ctypes.create_string_buffer(17)
            if lib.truce_file_hash(b(os.fspath(d)), hsh, err) != 0:
                raise_error(err)
            inputs.append("%s:%s" % (os.path.basename(os.fspath(d)), s(hsh.value)))
        if tables:
            arr = (ctypes.c_void_p * len(tables))(*tables)
            joined = lib.truce_reported_concat(arr, len(tables), err)
            if not joined:
                raise_error(err)
            opts.data = joined
        else:
            inputs.append("pakistan_series.csv (built in):shipped")
        h = lib.truce_fit_run(sc.h, opts, err)
        if not h:
            raise_error(err)
    except BaseException:
        _free_tables(tables + [joined])
        raise
    args = []
    for d in datas:
        args += ["--data", os.fspath(d)]
    if names:
        args += ["--estimate", ",".join(names)]
    args += ["--sims", str(sims), "--particles", str(particles), "--seed", str(seed)]
    if cutoff is not None:
        args += ["--cutoff", str(cutoff)]
    args += sc.args() + ([sc.path] if sc.path else [])
    prov = Prov(command("fit", args), sc.sets, (), sc.to, inputs)
    data_keep = _Tables(tables + [joined])
    return FitResult(h, prov, data_keep)


def _free_tables(handles):
    for t in handles:
        if t:
            lib.truce_reported_free(t)


class _Tables:
    def __init__(self, handles):
        self._fin = weakref.finalize(self, _free_tables, list(handles))

