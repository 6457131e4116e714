"""truce: Python binding of libtruce (ctypes over the public C API, include/truce.h).

    import truce
    r = truce.run(seed=7, by="year", to="2005-12-31")
    r.values("attacks")            # a list, or a NumPy array when NumPy is present
    r.to_pandas()                  # series.csv as a DataFrame (needs pandas)
    r.summary["totals"]            # summary.json as a dict

truce.run, truce.ensemble, truce.compare, truce.fit, truce.assess, truce.portfolios,
truce.events.aggregate, truce.episodes, truce.params, truce.variables. truce's errors are raised as
truce.TruceInputError (bad input, the CLI's exit 2) or truce.TruceRuntimeError (exit 1),
both truce.TruceError with .code and the "file:line: field: reason" .message. The GIL is
released while libtruce computes (ctypes.CDLL releases it around every foreign call).
See docs/python.md.
"""
from ._errors import TruceError, TruceInputError, TruceRuntimeError
from ._lib import LIBRARY_PATH, lib as _clib, s as _s, VARIABLE_COUNT as _NVAR
from ._table import Table
from ._run import RunResult, run
from ._infer import CompareResult, EnsembleResult, FitResult, compare, ensemble, fit
from ._assess import AssessResult, assess, portfolios
from ._evidence import TruceWarning, episodes
from . import events

__version__ = "0.1.0"
__all__ = ["run", "ensemble", "compare", "fit", "assess", "portfolios", "episodes", "events",
           "params", "variables", "Table", "RunResult", "EnsembleResult", "CompareResult",
           "FitResult", "AssessResult", "TruceError",
           "TruceInputError", "TruceRuntimeError", "TruceWarning", "LIBRARY_PATH"]


def _fmt(x):
    return repr(float(x))


def params():
    """The model's parameters (`truce params`): a Table with name, mechanism, default,
    prior, a, b, lo, hi, unit, description, source."""
    import csv
    import io
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["name", "mechanism", "default", "prior", "a", "b", "lo", "hi", "unit",
                "description", "source"])
    for i in range(_clib.truce_param_count()):
        p = _clib.truce_param_at(i).contents
        w.writerow([_s(p.name), _s(p.mechanism), _fmt(p.value), _s(_clib.truce_prior_name(p.prior)),
                    _fmt(p.a), _fmt(p.b), _fmt(p.lo), _fmt(p.hi), _s(p.unit), _s(p.description),
                    _s(p.source)])
    return Table(out.getvalue(), strings=("name", "mechanism", "prior", "unit", "description",
                                          "source"))


def variables():
    """What a run records (`truce variables`): a Table with name, kind (flow or stock),
    total (how regions add up to "all": sum, population_mean or organisation), unit,
    description."""
    import csv
    import io
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["name", "kind", "total", "unit", "description"])
    for v in range(_NVAR):
        i = _clib.truce_variable_info_of(v).contents
        w.writerow([_s(i.name), ("flow", "stock")[i.kind],
                    ("sum", "population_mean", "organisation")[i.total], _s(i.unit),
                    _s(i.description)])
    return Table(out.getvalue(), strings=("name", "kind", "total", "unit", "description"))
