"""ctypes declarations of the part of include/truce.h that the package binds.

The structures below mirror the C ones field by field (ctypes lays them out with the C
compiler's alignment rules); each is initialised by its C `_init` function before any
field is set, as truce.h asks. ctypes.CDLL releases the GIL for the duration of every
foreign call, so a run in one thread does not stop other Python threads (and two runs in
two threads compute at once: libtruce has no global mutable state).
"""
import ctypes
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double, c_int,
                    c_int32, c_size_t, c_uint, c_uint32, c_uint64, c_void_p)

from ._errors import TruceError, TruceInputError, TruceRuntimeError

_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("TRUCE_LIBRARY")
    if env:  # optional override (the tests point it at the build under test)
        return [env]
    return [
        os.path.join(_HERE, "libtruce.so"),  # carried by the installed wheel
        # running from the source tree: python/truce -> build/libtruce.so
        os.path.normpath(os.path.join(_HERE, "..", "..", "build", "libtruce.so")),
    ]


def _load():
    tried = []
    for path in _candidates():
        if os.path.exists(path):
            return ctypes.CDLL(path), path
        tried.append(path)
    raise ImportError("truce: libtruce.so not found (looked in %s); build it with `make` at the "
                      "repository's root, or install the package with pip" % ", ".join(tried))


lib, LIBRARY_PATH = _load()

# ---- structures -----------------------------------------------------------------------


class Error(Structure):
    _fields_ = [("code", c_int), ("message", c_char * 1024)]


class ParamInfo(Structure):
    _fields_ = [("name", c_char_p), ("mechanism", c_char_p), ("value", c_double),
                ("prior", c_int), ("a", c_double), ("b", c_double), ("lo", c_double),
                ("hi", c_double), ("unit", c_char_p), ("description", c_char_p),
                ("source", c_char_p)]


class VariableInfo(Structure):
    _fields_ = [("name", c_char_p), ("kind", c_int), ("total", c_int), ("unit", c_char_p),
                ("description", c_char_p)]


class Record(Structure):
    _fields_ = [("by", c_int), ("variables", c_uint64), ("regions", c_uint64), ("total", c_int),
                ("from_", c_int32), ("to", c_int32)]


class RunOptions(Structure):
    _fields_ = [("version", c_uint), ("seed", c_uint64), ("run", c_uint32), ("mean_field", c_int),
                ("params", POINTER(c_double)), ("record", Record)]


class Provenance(Structure):
    _fields_ = [("command", c_char_p), ("sets", POINTER(c_char_p)), ("nsets", c_size_t),
                ("withouts", POINTER(c_char_p)), ("nwithouts", c_size_t), ("to", c_char_p),
                ("inputs", POINTER(c_char_p)), ("ninputs", c_size_t), ("observed", c_void_p)]


PROGRESS_FN = CFUNCTYPE(None, c_void_p, c_uint64, c_uint64)
WRITE_FN = CFUNCTYPE(c_int, c_void_p, POINTER(c_char), c_size_t)
WARN_FN = CFUNCTYPE(None, c_void_p, c_char_p)


class EnsembleOptions(Structure):
    _fields_ = [("version", c_uint), ("runs", c_uint64), ("seed", c_uint64), ("by", c_int),
                ("variables", c_uint64), ("params_source", c_int), ("params_file", c_char_p),
                ("prior_keep", POINTER(c_char_p)), ("nprior_keep", c_size_t), ("threads", c_int),
                ("progress", PROGRESS_FN), ("progress_ctx", c_void_p)]


class CompareOptions(Structure):
    _fields_ = [("version", c_uint), ("runs", c_uint64), ("seed", c_uint64), ("from_", c_int32),
                ("to", c_int32), ("threads", c_int), ("no_branch", c_int),
                ("progress", PROGRESS_FN), ("progress_ctx", c_void_p), ("posterior", c_void_p)]


class CompareRow(Structure):
    _fields_ = [("variable", c_char_p), ("base_mean", c_double), ("alt_mean", c_double),
                ("diff_mean", c_double), ("diff_q05", c_double), ("diff_q50", c_double),
                ("diff_q95", c_double), ("p_alt_lower", c_double)]


class AssessOptions(Structure):
    _fields_ = [("version", c_uint), ("runs", c_uint64), ("seed", c_uint64), ("from_", c_int32),
                ("to", c_int32), ("threads", c_int), ("posterior", c_void_p),
                ("portfolios", POINTER(c_char_p)), ("nportfolios", c_size_t),
                ("status_quo", c_char_p), ("command", c_char_p), ("scenario_label", c_char_p),
                ("runs_csv", c_int), ("progress", PROGRESS_FN), ("progress_ctx", c_void_p)]


class AssessRow(Structure):
    _fields_ = [("portfolio", c_char_p), ("outcome", c_char_p), ("status_quo", c_double),
                ("value", c_double), ("diff_q05", c_double), ("diff_q50", c_double),
                ("diff_q95", c_double), ("p_better", c_double)]


FIT_PROGRESS_FN = CFUNCTYPE(None, c_void_p, c_void_p)
EXCHANGE_FN = CFUNCTYPE(c_int, c_void_p, POINTER(c_double), c_size_t, c_size_t, c_void_p)


class FitOptions(Structure):
    _fields_ = [("version", c_uint), ("data", c_void_p), ("cutoff", c_int32),
                ("estimate", POINTER(c_char_p)), ("nestimate", c_size_t), ("sims", c_uint64),
                ("particles", c_size_t), ("seed", c_uint64), ("threads", c_int),
                ("max_seconds", c_double), ("min_acceptance", c_double),
                ("min_tolerance", c_double), ("store", c_char_p), ("progress", FIT_PROGRESS_FN),
                ("progress_ctx", c_void_p), ("quantile", c_double), ("kernel", c_int),
                ("max_populations", c_uint), ("batch", c_size_t), ("screen_keep", c_size_t),
                ("screen_trajectories", c_size_t), ("restart", c_int), ("part", c_int),
                ("nparts", c_int), ("exchange", EXCHANGE_FN), ("exchange_ctx", c_void_p),
                ("no_early_reject", c_int)]


EVENTS_MAX_KEYS = 4


class EventsOptions(Structure):
    _fields_ = [("format", c_int), ("by", c_int), ("group", c_int),
                ("keys", c_int * EVENTS_MAX_KEYS), ("nkeys", c_size_t), ("estimate", c_int),
                ("max_where_prec", c_int), ("max_date_prec", c_int), ("country", c_char_p),
                ("dyad", c_char_p), ("actor", c_char_p), ("type", c_char_p),
                ("event_type", c_char_p), ("has_from", c_int), ("has_to", c_int),
                ("from_", c_int32), ("to", c_int32), ("fill", c_int), ("strict", c_int),
                ("max_warnings", c_size_t), ("warn", WARN_FN), ("warn_ctx", c_void_p)]


class EpisodesOptions(Structure):
    _fields_ = [("window_days", c_int32), ("window_months", c_int32), ("placebos", c_uint32),
                ("seed", c_uint64), ("kind", c_char_p), ("min_coverage", c_double),
                ("episodes", POINTER(c_char_p)), ("nepisodes", c_size_t)]


# ---- functions --------------------------------------------------------------------------

P = c_void_p
E = POINTER(Error)
_I32P = POINTER(c_int32)


def _sig(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)


_sig("truce_date_parse", c_int, c_char_p, _I32P, _I32P, POINTER(c_int))
_sig("truce_date_format", None, c_int32, c_char_p)
_sig("truce_period_label", None, c_int32, c_int, c_char_p)
_sig("truce_period_parse", c_int, c_char_p, POINTER(c_int))

_sig("truce_param_count", c_size_t)
_sig("truce_param_at", POINTER(ParamInfo), c_size_t)
_sig("truce_param_find", ctypes.c_long, c_char_p)
_sig("truce_prior_name", c_char_p, c_int)
_sig("truce_variable_info_of", POINTER(VariableInfo), c_int)
_sig("truce_variable_find", c_int, c_char_p, POINTER(c_int))
_sig("truce_variable_is_global", c_int, c_int)

_sig("truce_scenario_load", P, c_char_p, E)
_sig("truce_scenario_load_default", P, E)
_sig("truce_scenario_free", None, P)
_sig("truce_scenario_set", c_int, P, c_char_p, E)
_sig("truce_scenario_remove_episode", c_int, P, c_char_p, E)
_sig("truce_scenario_set_end", c_int, P, c_char_p, E)
_sig("truce_scenario_name", c_char_p, P)
_sig("truce_scenario_loaded_hash", c_char_p, P)
_sig("truce_scenario_start", c_int32, P)
_sig("truce_scenario_end", c_int32, P)

_sig("truce_run_options_init", None, POINTER(RunOptions))
_sig("truce_run", P, P, POINTER(RunOptions), E)
_sig("truce_result_free", None, P)
_sig("truce_result_region_count", c_size_t, P)
_sig("truce_result_region_name", c_char_p, P, c_size_t)
_sig("truce_result_series", P, P, c_size_t, c_int, c_int, E)
_sig("truce_result_write", c_int, P, P, c_char_p, c_int, POINTER(Provenance), E)
_sig("truce_result_write_csv", c_int, P, c_int, WRITE_FN, c_void_p, E)

_sig("truce_series_count", c_size_t, P)
_sig("truce_series_period", None, P, c_size_t, _I32P, _I32P, POINTER(c_double))
_sig("truce_series_free", None, P)

_sig("truce_ensemble_options_init", None, POINTER(EnsembleOptions))
_sig("truce_ensemble_new", P, P, POINTER(EnsembleOptions), E)
_sig("truce_ensemble_run_range", c_int, P, c_uint64, c_uint64, E)
_sig("truce_ensemble_write", c_int, P, c_char_p, POINTER(Provenance), E)
_sig("truce_ensemble_free", None, P)

_sig("truce_posterior_load", P, c_char_p, P, E)
_sig("truce_posterior_free", None, P)

_sig("truce_compare_options_init", None, POINTER(CompareOptions))
_sig("truce_compare_run", P, P, P, POINTER(CompareOptions), E)
_sig("truce_compare_variable", c_char_p, c_size_t)
_sig("truce_compare_value", None, P, c_uint64, c_size_t, POINTER(c_double), POINTER(c_double))
_sig("truce_compare_summary", None, P, c_size_t, POINTER(CompareRow))
_sig("truce_compare_write", c_int, P, c_char_p, POINTER(Provenance), E)
_sig("truce_compare_runs", c_uint64, P)
_sig("truce_compare_branch_day", c_int32, P)
_sig("truce_compare_free", None, P)

_sig("truce_fit_options_init", None, POINTER(FitOptions))
_sig("truce_fit_run", P, P, POINTER(FitOptions), E)
_sig("truce_fit_write", c_int, P, c_char_p, POINTER(Provenance), E)
_sig("truce_fit_free", None, P)
_sig("truce_reported_load", P, c_char_p, E)
_sig("truce_reported_concat", P, POINTER(c_void_p), c_size_t, E)
_sig("truce_reported_free", None, P)
_sig("truce_reported_load_default", P, E)
_sig("truce_reported_simulated", c_int, P)
_sig("truce_reported_series", P, P, c_char_p, c_char_p, c_char_p, E)
_sig("truce_file_hash", c_int, c_char_p, c_char * 17, E)

_sig("truce_portfolio_builtin_count", c_size_t)
_sig("truce_portfolio_builtin_file", c_char_p, c_size_t)
_sig("truce_portfolio_load_builtin", P, c_size_t, P, E)
_sig("truce_portfolio_name", c_char_p, P)
_sig("truce_portfolio_description", c_char_p, P)
_sig("truce_portfolio_hash", c_char_p, P)
_sig("truce_portfolio_lever_count", c_size_t, P)
_sig("truce_portfolio_free", None, P)

_sig("truce_assess_options_init", None, POINTER(AssessOptions))
_sig("truce_assess_run", P, P, POINTER(AssessOptions), E)
_sig("truce_assess_row_count", c_size_t, P)
_sig("truce_assess_row_at", POINTER(AssessRow), P, c_size_t)
_sig("truce_assess_write", c_int, P, c_char_p, E)
_sig("truce_assess_free", None, P)
_sig("truce_report_render", c_int, c_char_p, E)
_sig("truce_report_headline", c_int, c_char_p, WRITE_FN, c_void_p, E)

_sig("truce_events_options_init", None, POINTER(EventsOptions))
_sig("truce_event_format_parse", c_int, c_char_p, POINTER(c_int))
_sig("truce_event_group_parse", c_int, c_char_p, POINTER(c_int))
_sig("truce_event_estimate_parse", c_int, c_char_p, POINTER(c_int))
_sig("truce_events_aggregate", P, POINTER(c_char_p), c_size_t, POINTER(EventsOptions), E)
_sig("truce_event_table_free", None, P)
_sig("truce_event_table_write", c_int, P, c_char_p, E)
_sig("truce_event_table_rows_read", c_uint64, P)
_sig("truce_event_table_rows_invalid", c_uint64, P)
_sig("truce_event_table_series", P, P, c_char_p, c_char_p, c_char_p, c_int, c_int32, c_int,
     c_int32, E)
_sig("truce_aggregate_series", P, c_char_p, c_char_p, c_char_p, E)

_sig("truce_timeline_load", P, c_char_p, E)
_sig("truce_timeline_load_default", P, E)
_sig("truce_timeline_free", None, P)
_sig("truce_episodes_options_init", None, POINTER(EpisodesOptions))
_sig("truce_episodes_run", P, P, POINTER(c_void_p), c_size_t, POINTER(EpisodesOptions), E)
_sig("truce_episodes_write_csv", c_int, P, WRITE_FN, c_void_p)
_sig("truce_episodes_free", None, P)

VARIABLE_COUNT = 0
while lib.truce_variable_info_of(VARIABLE_COUNT) and VARIABLE_COUNT < 64:
    VARIABLE_COUNT += 1

# ---- helpers ----------------------------------------------------------------------------


def b(text):
    """str -> bytes for a const char * argument (None stays NULL)."""
    return None if text is None else os.fsencode(text) if isinstance(text, os.PathLike) \
        else text.encode("utf-8")


def s(raw):
    return None if raw is None else raw.decode("utf-8", "replace")


def raise_error(err):
    """Raise the exception matching a filled truce_error."""
    msg = err.message.decode("utf-8", "replace")
    code = err.code
    if code == 2:
        raise TruceInputError(msg, code)
    raise TruceRuntimeError(msg or "truce: failed", code if code else 1)


def strings(seq):
    """A (char *[], keep-alive) pair for a sequence of str."""
    enc = [b(x) for x in seq]
    arr = (c_char_p * max(1, len(enc)))(*enc)
    return arr, enc


class Buffer:
    """A truce_write_fn that gathers the pieces in memory."""

    def __init__(self):
        self.parts = []

        def write(ctx, data, n):
            self.parts.append(ctypes.string_at(data, n))
            return 0
        self.fn = WRITE_FN(write)

    def text(self):
        return b"".join(self.parts).decode("utf-8")


def date_days(text, what, last=False):
    """Parse a date of any precision: its first (or last) day, since 1970-01-01."""
    first, lastd, prec = c_int32(), c_int32(), c_int()
    if lib.truce_date_parse(b(str(text)), first, lastd, prec) != 0:
        raise TruceInputError("%s: '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
                              % (what, text), 2)
    return lastd.value if last else first.value


PERIODS = ("day", "week", "month", "quarter", "year")


def period(name, what="by"):
    v = c_int()
    if not isinstance(name, str) or lib.truce_period_parse(b(name), v) != 0:
        raise TruceInputError("%s: '%s' is not one of day, week, month, quarter, year"
                              % (what, name), 2)
    return v.value


def variable(name, what="variable"):
    v = c_int()
    if not isinstance(name, str) or lib.truce_variable_find(b(name), v) != 0:
        raise TruceInputError("%s: '%s' is not a variable (see truce.variables())" % (what, name), 2)
    return v.value


__all__ = ["lib", "TruceError"]
