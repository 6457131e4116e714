"""truce.run: one simulation."""
import ctypes
import datetime
import os
import weakref

from ._common import Prov, Scenario, TempDir, check_out_dir, command, read_json, whole
from ._errors import TruceInputError
from ._lib import (Buffer, Error, RunOptions, b, lib, period, raise_error, s, variable,
                   VARIABLE_COUNT)
from ._table import Table, _np

_EPOCH = datetime.date(1970, 1, 1)


def _date(day):
    return _EPOCH + datetime.timedelta(days=day)


class RunResult:
    """One run of a scenario (what `truce run` writes, in memory).

    values(variable, region="all"): the variable's value per period (a NumPy array when
    NumPy is present, else a list); periods / period_starts: the periods' labels and first
    days; regions, variables: the names; to_pandas(): series.csv as a DataFrame (long
    format: period, period_start as datetime64, region, variable, value); csv(): the text of
    series.csv; summary: the summary.json dict; write(dir): series.csv and summary.json into
    dir, as `truce run --out dir` writes them.
    """

    def __init__(self, scenario, handle, by, seed, run, command_text):
        self._scenario = scenario
        self._h = handle
        self._fin = weakref.finalize(self, lib.truce_result_free, handle)
        self.by = by
        self._by = period(by)
        self.seed = seed
        self.run = run
        self.command = command_text
        self._summary = None
        self._periods = None
        nreg = lib.truce_result_region_count(handle)
        self.regions = [s(lib.truce_result_region_name(handle, i)) for i in range(nreg + 1)]
        self.variables = [s(lib.truce_variable_info_of(v).contents.name)
                          for v in range(VARIABLE_COUNT)]

    def _region(self, region):
        try:
            return self.regions.index(region)
        except ValueError:
            raise TruceInputError("region: '%s' is not one of %s" % (region, ", ".join(self.regions)), 2) from None

    def _series(self, name, region):
        err = Error()
        ser = lib.truce_result_series(self._h, self._region(region), variable(name), self._by, err)
        if not ser:
            raise_error(err)
        try:
            n = lib.truce_series_count(ser)
            first, last, value = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_double()
            firsts, values = [], []
            for i in range(n):
                lib.truce_series_period(ser, i, first, last, value)
                firsts.append(first.value)
                values.append(value.value)
            return firsts, values
        finally:
            lib.truce_series_free(ser)

    def values(self, variable, region="all"):
        """The variable's value in each period (flows summed over the period, stocks on its
        last day), for a region or "all"."""
        _, values = self._series(variable, region)
        return _np.asarray(values, dtype=float) if _np is not None else values

    def _period_days(self):
        if self._periods is None:
            self._periods, _ = self._series("attacks", "all")
        return self._periods

    @property
    def periods(self):
        """The periods' labels as in series.csv (2021-11-09, 2021-W45, 2021-11, 2021-Q4, 2021)."""
        out = ctypes.create_string_buffer(16)
        labels = []
        for d in self._period_days():
            lib.truce_period_label(d, self._by, out)
            labels.append(s(out.value))
        return labels

    @property
    def period_starts(self):
        """The first day of each period (datetime.date; datetime64[D] with NumPy)."""
        days = [_date(d) for d in self._period_days()]
        return _np.asarray(days, dtype="datetime64[D]") if _np is not None else days

    def csv(self):
        """series.csv's text, exactly as `truce run --out -` prints it."""
        buf, err = Buffer(), Error()
        if lib.truce_result_write_csv(self._h, self._by, buf.fn, None, err) != 0:
            raise_error(err)
        return buf.text()

    def table(self):
        return Table(self.csv(), dates=("period_start",), strings=("period", "region", "variable"))

    def to_pandas(self):
        """series.csv as a DataFrame: period, period_start (datetime64), region, variable, value."""
        import io
        import pandas as pd
        return pd.read_csv(io.StringIO(self.csv()), parse_dates=["period_start"],
                           dtype={"period": str, "region": str, "variable": str})

    def write(self, out):
        """Write out/series.csv and out/summary.json (and series_by_organisation.csv for
        several organisations) as `truce run --out out` does: built beside out and swapped in;
        an existing out is replaced only if it holds nothing but those files."""
        out = check_out_dir(out, "write")
        sc = self._scenario
        prov = Prov(self.command, sc.sets, sc.withouts, sc.to, [sc.input()])
        err = Error()
        if lib.truce_result_write(self._h, sc.h, b(out), self._by, prov.p, err) != 0:
            raise_error(err)

    @property
    def summary(self):
        """summary.json as a dict (how the run was made and what it gave)."""
        if self._summary is None:
            with TempDir() as tmp:
                d = os.path.join(tmp, "run")
                self.write(d)
                self._summary = read_json(os.path.join(d, "summary.json"))
        return self._summary

    def __repr__(self):
        return "<truce.RunResult %s seed %d run %d by %s>" % (self._scenario.name, self.seed,
                                                              self.run, self.by)


def run(scenario=None, *, seed=1, run=0, by="day", set=None, without=None, to=None,
        mean_field=False):
    """Simulate a scenario once: `truce run [SCENARIO] --seed S --run R --by BY --set ...
    --without ... --to DATE`. scenario: a scenario file, or None (or "default") for the
    built-in Pakistan-TTP one; set: {"NAME": value} or ["NAME=VALUE", ...]; without: an
    episode id or a list of them; to: the last date simulated (YYYY, YYYY-MM, YYYY-MM-DD).
    The GIL is released while the model runs."""
    whole(seed, "seed")
    whole(run, "run", 0, 2 ** 32 - 1)
    code = period(by)
    sc = Scenario(scenario, set, without, to)
    opts = RunOptions()
    lib.truce_run_options_init(opts)
    opts.seed = seed
    opts.run = run
    opts.mean_field = 1 if mean_field else 0
    # as the CLI: record at the reporting period but no coarser than a month (summary.json
    # gives monthly peaks); weeks do not nest in months, so they are built from days
    opts.record.by = 0 if code == 1 else min(code, 2)
    # the CLI records its argv after getopt_long's permutation: options, then the scenario
    args = ["--seed", str(seed), "--run", str(run), "--by", by] + sc.args()
    if mean_field:
        args.append("--mean-field")
    args += [sc.path] if sc.path else []
    err = Error()
    h = lib.truce_run(sc.h, opts, err)
    if not h:
        raise_error(err)
    return RunResult(sc, h, by, seed, run, command("run", args))

