"""truce.events.aggregate and truce.episodes: the evidence layer."""
import ctypes
import os
import warnings

from ._common import TempDir, number, read_text, whole
from ._errors import TruceInputError
from ._lib import (EVENTS_MAX_KEYS, Buffer, EpisodesOptions, Error, EventsOptions, WARN_FN, b,
                   date_days, lib, period, raise_error, s, strings)
from ._table import Table


class TruceWarning(UserWarning):
    """An invalid row skipped while reading an event file ("file:line: field: reason")."""


class EventTable(Table):
    """`truce events aggregate`'s CSV (period, group or one column per key, events, deaths,
    and UCDP's deaths_a, deaths_b, deaths_civilians, deaths_unknown) with rows_read,
    rows_invalid and warnings (the messages of the invalid rows)."""


def _events_options(format, by, group, estimate, country, dyad, actor, type, event_type,
                    from_, to, fill, strict, max_where_prec, max_date_prec, max_warnings):
    opt = EventsOptions()
    lib.truce_events_options_init(opt)
    v = ctypes.c_int()
    if lib.truce_event_format_parse(b(format), v):
        raise TruceInputError("format: '%s' is not one of auto, ucdp, acled" % format, 2)
    opt.format = v.value
    opt.by = period(by)
    keys = [] if group is None else group.split(",") if isinstance(group, str) else list(group)
    codes = []
    for k in keys:
        if not isinstance(k, str) or lib.truce_event_group_parse(b(k), v):
            raise TruceInputError("group: '%s' is not a group (country, adm_1, adm_2, dyad, conflict, "
                                  "type, side_a, side_b, actor1, actor2, event_type, none)" % (k,), 2)
        if v.value == 0:
            if len(keys) > 1:
                raise TruceInputError("group: 'none' cannot be combined with other keys", 2)
            continue
        if v.value in codes:
            raise TruceInputError("group: '%s' given twice" % k, 2)
        codes.append(v.value)
    if len(codes) > EVENTS_MAX_KEYS:
        raise TruceInputError("group: at most %d keys" % EVENTS_MAX_KEYS, 2)
    for i, c in enumerate(codes):
        opt.keys[i] = c
    opt.nkeys = len(codes)
    if lib.truce_event_estimate_parse(b(estimate), v):
        raise TruceInputError("estimate: '%s' is not one of low, best, high" % estimate, 2)
    opt.estimate = v.value
    opt.country, opt.dyad, opt.actor = b(country), b(dyad), b(actor)
    opt.type = b(None if type is None else str(type))
    opt.event_type = b(event_type)
    if from_ is not None:
        opt.has_from, opt.from_ = 1, date_days(from_, "from")
    if to is not None:
        opt.has_to, opt.to = 1, date_days(to, "to", last=True)
    if from_ is not None and to is not None and opt.from_ > opt.to:
        raise TruceInputError("from is after to", 2)
    opt.fill = 1 if fill else 0
    opt.strict = 1 if strict else 0
    opt.max_where_prec = whole(max_where_prec, "max_where_prec", 0, 9)
    opt.max_date_prec = whole(max_date_prec, "max_date_prec", 0, 9)
    opt.max_warnings = whole(max_warnings, "max_warnings")
    got = []

    def warn(ctx, message):
        got.append(s(message))
    opt.warn = WARN_FN(warn)
    return opt, got, opt.warn


def _paths(paths):
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [os.fspath(p) for p in paths]
    if not paths:
        raise TruceInputError("paths: no event file given", 2)
    return paths


def _aggregate(paths, opt):
    arr, enc = strings(paths)
    err = Error()
    t = lib.truce_events_aggregate(arr, len(paths), opt, err)
    if not t:
        raise_error(err)
    return t


def aggregate(paths, *, format="auto", by="month", group=None, estimate="best", country=None,
              dyad=None, actor=None, type=None, event_type=None, from_=None, to=None,
              fill=False, strict=False, max_where_prec=0, max_date_prec=0, max_warnings=20,
              out=None):
    """`truce events aggregate`: UCDP GED or ACLED event files (a path or a list) to counts
    by period (`by`) and group (one key such as "dyad", or several: ["dyad", "type"]).
    Invalid rows are skipped and counted (each reported as a TruceWarning), or with strict
    raise TruceInputError. Returns an EventTable. out: also write the CSV to this file, as
    `--out FILE` does (a temporary beside it renamed into place; a link is refused, a FIFO
    or device written directly)."""
    paths = _paths(paths)
    opt, got, _keep = _events_options(format, by, group, estimate, country, dyad, actor, type,
                                      event_type, from_, to, fill, strict, max_where_prec,
                                      max_date_prec, max_warnings)
    t = _aggregate(paths, opt)
    try:
        with TempDir() as tmp:
            path = os.path.join(tmp, "events.csv")
            err = Error()
            if lib.truce_event_table_write(t, b(path), err) != 0:
                raise_error(err)
            text = read_text(path)
        header = text.split("\n", 1)[0].split(",")
        counts = ("events", "deaths", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
        table = EventTable(text, strings=tuple(c for c in header if c not in counts), ints=counts)
        table.rows_read = lib.truce_event_table_rows_read(t)
        table.rows_invalid = lib.truce_event_table_rows_invalid(t)
        if out is not None and lib.truce_event_table_write(t, b(os.fspath(out)), err) != 0:
            raise_error(err)
    finally:
        lib.truce_event_table_free(t)
    table.warnings = got
    for m in got:
        warnings.warn(m, TruceWarning, stacklevel=2)
    return table


def _window(w, opt):
    if isinstance(w, int) and not isinstance(w, bool):
        w = "%dd" % w
    if isinstance(w, str) and len(w) >= 2 and w[:-1].isdigit() and int(w[:-1]) > 0:
        n = int(w[:-1])
        if w[-1] == "d" and n <= 3660:
            opt.window_days, opt.window_months = n, 0
            return
        if w[-1] == "m" and n <= 120:
            opt.window_months, opt.window_days = n, 0
            return
    raise TruceInputError("window: bad window '%s' (expected e.g. 90d or 6m)" % (w,), 2)


def episodes(series=None, *, source=None, metric=None, geography=None, group=None, events=None,
             timeline=None, kind=None, episode=None, window="90d", min_coverage=0.5,
             placebos=1000, seed=20211109, format="auto", country=None, dyad=None, actor=None,
             type=None, event_type=None, from_=None, to=None, strict=False, estimate="best",
             max_where_prec=0, max_date_prec=0):
    """`truce episodes`: the event study of violence before, during and after each episode.
    series: a reported-series file, an aggregated event file, a `truce run` series.csv, or a
    truce.RunResult (its series, as `truce episodes --series OUT/series.csv` reads it);
    None: the shipped PICSS series. events: raw UCDP GED / ACLED files instead. Returns a
    Table of the CSV `truce episodes --csv` prints (NA read as NaN)."""
    opt = EpisodesOptions()
    lib.truce_episodes_options_init(opt)
    _window(window, opt)
    opt.placebos = whole(placebos, "placebos", 0, 1000000)
    opt.seed = whole(seed, "seed")
    cov = number(min_coverage, "min_coverage")
    if not 0.0 < cov <= 1.0:
        raise TruceInputError("min_coverage: expected a number in (0, 1], got '%s'" % min_coverage, 2)
    opt.min_coverage = cov
    opt.kind = b(kind)
    picked = [] if episode is None else [str(episode)] if isinstance(episode, (str, int)) \
        else [str(e) for e in episode]
    parr, penc = strings(picked)
    opt.episodes = ctypes.cast(parr, ctypes.POINTER(ctypes.c_char_p)) if picked else None
    opt.nepisodes = len(picked)
    metrics = None if metric is None else metric.split(",") if isinstance(metric, str) else list(metric)
    if events is not None and series is not None:
        raise TruceInputError("events and series are different inputs: give one", 2)
    event_opt = (format != "auto" or country or dyad or type or event_type or actor or
                 from_ is not None or to is not None or strict or estimate != "best" or
                 max_where_prec or max_date_prec)
    if events is None and event_opt:
        raise TruceInputError("format, country, dyad, type, event_type, actor, from_, to, estimate, "
                              "max_where_prec, max_date_prec and strict apply only to events", 2)
    if events is not None and (group or source or geography):
        raise TruceInputError("group, source and geography do not apply to events", 2)
    err = Error()
    handles, free = [], []
    with TempDir() as tmp:
        tl = lib.truce_timeline_load(b(os.fspath(timeline)), err) if timeline is not None \
            else lib.truce_timeline_load_default(err)
        if not tl:
            raise_error(err)
        free.append((lib.truce_timeline_free, tl))
        try:
            if series is not None and hasattr(series, "csv") and callable(series.csv):
                path = os.path.join(tmp, "series.csv")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(series.csv())
                series = path
            if events is not None:
                paths = _paths(events)
                eopt, got, _keep = _events_options(format, "day", None, estimate, country, dyad,
                                                   actor, type, event_type, from_, to, False,
                                                   strict, max_where_prec, max_date_prec, 20)
                et = _aggregate(paths, eopt)
                free.append((lib.truce_event_table_free, et))
                for m in got:
                    warnings.warn(m, TruceWarning, stacklevel=2)
                name = paths[0] + (" (and other event files)" if len(paths) > 1 else "")
                for m in metrics or ["events", "deaths"]:
                    ser = lib.truce_event_table_series(et, b(name), b(m), eopt.country,
                                                       eopt.has_from, eopt.from_, eopt.has_to,
                                                       eopt.to, err)
                    if not ser:
                        raise_error(err)
                    handles.append(ser)
            else:
                spath = None if series is None else os.fspath(series)
                agg = spath is not None and _is_aggregate(spath)
                if agg:
                    for m in metrics or ["events", "deaths"]:
                        ser = lib.truce_aggregate_series(b(spath), b(m), b(group), err)
                        if not ser:
                            raise_error(err)
                        handles.append(ser)
                else:
                    rep = lib.truce_reported_load(b(spath), err) if spath is not None \
                        else lib.truce_reported_load_default(err)
                    if not rep:
                        raise_error(err)
                    free.append((lib.truce_reported_free, rep))
                    sim = lib.truce_reported_simulated(rep)
                    src = source or ("truce" if sim else "PICSS")
                    geo = geography or ("all" if sim else "Pakistan")
                    for m in metrics or ["attacks", "killed"]:
                        ser = lib.truce_reported_series(rep, b(src), b(m), b(geo), err)
                        if not ser:
                            raise_error(err)
                        handles.append(ser)
            arr = (ctypes.c_void_p * len(handles))(*handles)
            res = lib.truce_episodes_run(tl, arr, len(handles), opt, err)
            if not res:
                raise_error(err)
            free.append((lib.truce_episodes_free, res))
            buf = Buffer()
            if lib.truce_episodes_write_csv(res, buf.fn, None) != 0:
                raise TruceInputError("episodes: could not write the table", 1)
            text = buf.text()
        finally:
            for h in handles:
                lib.truce_series_free(h)
            for fn, h in reversed(free):
                fn(h)
    strcols = ("episode", "kind", "start", "end", "source", "metric", "geography", "method", "note")
    return Table(text, strings=strcols, ints=("n_placebo",))


def _is_aggregate(path):
    """Whether a file's header names an `events` column (as cli/cmd_episodes.c decides)."""
    try:
        if not os.path.isfile(path):
            return False
        with open(path, encoding="utf-8", errors="replace") as f:
            return "events" in f.readline().rstrip("\r\n").split(",")
    except OSError:
        return False
