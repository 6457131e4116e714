/* episodes — the event study behind `truce episodes` (see docs/episodes.md).
 *
 * For each episode of a timeline and each count series: rates per 30 days in a window
 * before, during and after; the after/before ratio with an exact Poisson interval (or a
 * negative-binomial one when the regression finds over-dispersion); a trend- and
 * season-adjusted ratio from a local quasi-Poisson regression; a placebo p-value from
 * windows of the same shape elsewhere in the series; and pooled estimates per kind.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "outpath.h"
#include "rng.h"
#include "series.h"
#include "stats.h"

#define Z975 1.959963984540054
#define OVERDISPERSION_P 0.05   /* Pearson test below this: negative-binomial intervals */
#define MIN_PLACEBOS 20         /* fewer placebo windows: no p-value */
#define RNG_PURPOSE_PLACEBO 0x4550u

struct truce_episodes {
    truce_episode_row *rows;
    size_t n, cap;
};

void truce_episodes_options_init(truce_episodes_options *o)
{
    memset(o, 0, sizeof *o);
    o->window_days = 90;
    o->placebos = 1000;
    o->seed = 20211109u;
    o->min_coverage = 0.5;
}

size_t truce_episodes_row_count(const truce_episodes *e) { return e->n; }
const truce_episode_row *truce_episodes_row(const truce_episodes *e, size_t i)
{
    return i < e->n ? &e->rows[i] : NULL;
}
void truce_episodes_free(truce_episodes *e)
{
    if (!e) return;
    free(e->rows);
    free(e);
}

static void note_add(truce_episode_row *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note_add(truce_episode_row *r, const char *fmt, ...)
{
    size_t used = strlen(r->note);
    if (used + 3 >= sizeof r->note) return;
    if (used) {
        r->note[used++] = ';';
        r->note[used++] = ' ';
        r->note[used] = '\0';
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->note + used, sizeof r->note - used, fmt, ap);
    va_end(ap);
}

/* ---- windows ---- */

typedef struct window {
    int32_t a, b;      /* days, inclusive */
    double count;      /* apportioned count from the known periods */
    double known;      /* days of the window inside known periods no longer than it */
    double s1, s2;     /* sums over the periods used of k^2 / L and k^2 (k days of L inside) */
    int coarse;        /* periods longer than the window overlap it (left out) */
    int ok;
    char why[200];
} window;

static const char *period_word(int32_t len)
{
    return len >= 365 ? "yearly" : len >= 89 ? "quarterly" : len >= 28 ? "monthly"
                                                                          : "weekly";
}

/* Day-weighted apportioning: a period contributes value * overlap / length, and only
 * periods no longer than the window itself are used. */
static void window_eval(const truce_series *s, int32_t a, int32_t b, int32_t maxlen,
                        double min_cov, const char *label, window *w)
{
    memset(w, 0, sizeof *w);
    w->a = a;
    w->b = b;
    int32_t len = b - a + 1, coarse_len = 0;
    size_t n = truce_series_count(s);
    for (size_t i = 0; i < n; i++) {
        int32_t f, l;
        double v;
        truce_series_period(s, i, &f, &l, &v);
        if (l < a) continue;
        if (f > b) break;
        int32_t lo = f > a ? f : a, hi = l < b ? l : b, plen = l - f + 1;
        if (plen > maxlen) {
            w->coarse = 1;
            if (plen > coarse_len) coarse_len = plen;
            continue;
        }
        double k = (double)(hi - lo + 1);
        w->known += k;
        w->count += v * k / (double)plen;
        w->s1 += k * k / (double)plen;
        w->s2 += k * k;
    }
    char da[11], db[11];
    cal_format(a, da);
    cal_format(b, db);
    if (w->known <= 0.0 && w->coarse)
        snprintf(w->why, sizeof w->why,
                 "%s window %s..%s (%d days): only %s figures cover it, too coarse to "
                 "apportion", label, da, db, (int)len, period_word(coarse_len));
    else if (w->known <= 0.0)
        snprintf(w->why, sizeof w->why, "%s window %s..%s: no data", label, da, db);
    else if (w->known < min_cov * len)
        snprintf(w->why, sizeof w->why,
                 "%s window %s..%s: only %.0f of %d days covered by known periods%s", label,
                 da, db, w->known, (int)len, w->coarse ? " (coarser figures left out)" : "");
    else
        w->ok = 1;
}

/* Prefix sums over days for fast placebo windows: periods no longer than maxlen only. */
typedef struct prefix {
    int32_t d0, ndays;
    double *known, *count;  /* ndays + 1 entries */
} prefix;

static int prefix_build(const truce_series *s, int32_t maxlen, prefix *p)
{
    size_t n = truce_series_count(s);
    memset(p, 0, sizeof *p);
    if (n == 0) return 0;
    int32_t f, l, f0, l1;
    double v;
    truce_series_period(s, 0, &f0, &l, &v);
    truce_series_period(s, n - 1, &f, &l1, &v);
    p->d0 = f0;
    p->ndays = l1 - f0 + 1;
    p->known = calloc((size_t)p->ndays + 1, sizeof *p->known);
    p->count = calloc((size_t)p->ndays + 1, sizeof *p->count);
    if (!p->known || !p->count) return -1;
    double *dk = calloc((size_t)p->ndays, sizeof *dk), *dc = calloc((size_t)p->ndays, sizeof *dc);
    if (!dk || !dc) {
        free(dk);
        free(dc);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        truce_series_period(s, i, &f, &l, &v);
        if (l - f + 1 > maxlen) continue;
        for (int32_t d = f; d <= l; d++) {
            dk[d - f0] = 1.0;
            dc[d - f0] = v / (double)(l - f + 1);
        }
    }
    for (int32_t i = 0; i < p->ndays; i++) {
        p->known[i + 1] = p->known[i] + dk[i];
        p->count[i + 1] = p->count[i] + dc[i];
    }
    free(dk);
    free(dc);
    return 0;
}

static void prefix_free(prefix *p)
{
    free(p->known);
    free(p->count);
}

static void prefix_window(const prefix *p, int32_t a, int32_t b, double *count, double *known)
{
    int32_t i = a - p->d0, j = b - p->d0 + 1;
    if (i < 0) i = 0;
    if (j > p->ndays) j = p->ndays;
    if (j <= i) {
        *count = *known = 0.0;
        return;
    }
    *known = p->known[j] - p->known[i];
    *count = p->count[j] - p->count[i];
}

static double log_ratio_stat(double a, double ta, double b, double tb)
{
    return log((a + 0.5) / ta) - log((b + 0.5) / tb);
}

static int32_t add_months(int32_t day, int months)
{
    int y, m, d;
    cal_civil_from_days(day, &y, &m, &d);
    int idx = y * 12 + (m - 1) + months;
    y = idx / 12;
    m = idx % 12 + 1;
    int dim = cal_days_in_month(y, m);
    return cal_days_from_civil(y, m, d < dim ? d : dim);
}

/* The last day of a window of `months` calendar months starting on `first`: the day before
 * the same day `months` later, or the end of that month when it has no such day (a window
 * from 31 January to the end of February, not to 27 February). */
static int32_t month_window_last(int32_t first, int months)
{
    int y, m, d;
    cal_civil_from_days(first, &y, &m, &d);
    int idx = y * 12 + (m - 1) + months;
    y = idx / 12;
    m = idx % 12 + 1;
    int dim = cal_days_in_month(y, m);
    return d > dim ? cal_days_from_civil(y, m, dim) : cal_days_from_civil(y, m, d) - 1;
}

/* ---- one episode and one series ---- */

typedef struct extra {
    double se_log_ratio, se_log_adj;  /* for pooling; NAN when not available */
    double nb_alpha;                  /* NB2 dispersion of the local regression; NAN if none */
    size_t df;                        /* its residual degrees of freedom */
} extra;

/* The local quasi-Poisson regression: periods within two years (or twice the window) of
 * the episode, with intercept, linear trend, one annual harmonic pair (when there are 24
 * or more periods) and indicators for the periods whose midpoint falls in the during and
 * after windows. */
static void adjusted_ratio(const truce_series *s, int32_t s0, int32_t e1, const window *wa,
                           int32_t maxlen, truce_episode_row *r, extra *x)
{
    int32_t lb = wa->b - wa->a + 1;
    int32_t ctx = lb * 2 > 730 ? lb * 2 : 730;
    size_t n = truce_series_count(s), m = 0;
    double *X = malloc(n * GLM_MAXP * sizeof *X), *y = malloc(n * sizeof *y),
           *off = malloc(n * sizeof *off), *t = malloc(n * sizeof *t), *doy = malloc(n * sizeof *doy);
    int *grp = malloc(n * sizeof *grp);
    if (!X || !y || !off || !t || !doy || !grp) {
        note_add(r, "adjusted: out of memory");
        goto done;
    }
    size_t nbefore = 0, nduring = 0, nafter = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t f, l;
        double v;
        truce_series_period(s, i, &f, &l, &v);
        if (l - f + 1 > maxlen) continue;
        double mid = 0.5 * (f + l);
        if (mid < s0 - ctx || mid > e1 + ctx) continue;
        int g = mid < s0 ? 0 : mid <= e1 ? 1 : mid <= wa->b ? 2 : 3;
        nbefore += g == 0;
        nduring += g == 1;
        nafter += g == 2;
        y[m] = v;
        off[m] = log((double)(l - f + 1) / 30.0);
        t[m] = (mid - s0) / 365.25;
        doy[m] = cal_day_of_year((int32_t)floor(mid));
        grp[m] = g;
        m++;
    }
    if (nafter == 0) {
        note_add(r, "adjusted: no whole period of the series has its midpoint in the after window");
        goto done;
    }
    if (nbefore < 3) {
        note_add(r, "adjusted: fewer than 3 periods before the episode within %d days", (int)ctx);
        goto done;
    }
    /* With no events in the after periods (or none in the reference periods) the
     * maximum-likelihood coefficient is infinite: the fit is separated, not a number. */
    double yafter = 0.0, yref = 0.0;
    for (size_t i = 0; i < m; i++) {
        if (grp[i] == 2) yafter += y[i];
        else if (grp[i] != 1) yref += y[i];
    }
    if (!(yafter > 0.0) || !(yref > 0.0)) {
        note_add(r, "adjusted: separated (no events in the %s periods): NA",
                 !(yafter > 0.0) ? "after" : "before");
        goto done;
    }
    size_t p = 2, harm = m >= 24, jd = 0, ja;
    if (harm) p += 2;
    if (nduring) jd = p++;
    ja = p++;
    if (m < p + 3) {
        note_add(r, "adjusted: only %zu periods for %zu coefficients", m, p);
        goto done;
    }
    for (size_t i = 0; i < m; i++) {
        double *row = &X[i * p];
        size_t j = 0;
        row[j++] = 1.0;
        row[j++] = t[i];
        if (harm) {
            row[j++] = sin(2.0 * 3.14159265358979323846 * doy[i] / 365.25);
            row[j++] = cos(2.0 * 3.14159265358979323846 * doy[i] / 365.25);
        }
        if (nduring) row[jd] = grp[i] == 1;
        row[ja] = grp[i] == 2;
    }
    glm_fit fit;
    if (glm_poisson(X, y, off, m, p, &fit) != 0) {
        note_add(r, "adjusted: regression did not converge (separated or singular)");
        goto done;
    }
    r->dispersion = fit.phi;
    x->nb_alpha = glm_nb2_alpha(X, y, off, m, p, &fit);
    x->df = m - p;
    double scale = fit.phi > 1.0 ? fit.phi : 1.0;
    double se = sqrt(scale * fit.cov[ja * p + ja]);
    r->adj_ratio = exp(fit.beta[ja]);
    r->adj_ci_low = exp(fit.beta[ja] - Z975 * se);
    r->adj_ci_high = exp(fit.beta[ja] + Z975 * se);
    x->se_log_adj = se;
done:
    free(X);
    free(y);
    free(off);
    free(t);
    free(doy);
    free(grp);
}

static int placebo(const truce_series *s, const truce_timeline *tl, const truce_episode *ep,
                   size_t ei, size_t si, int32_t lb, int32_t dur, int32_t la, int32_t maxlen,
                   double obs, const truce_episodes_options *opt, truce_episode_row *r)
{
    prefix pf;
    if (prefix_build(s, maxlen, &pf) != 0) {
        prefix_free(&pf);
        return -1;
    }
    size_t cap = pf.ndays > 0 ? (size_t)pf.ndays : 1, nc = 0;
    double *stat = malloc(cap * sizeof *stat);
    if (!stat) {
        prefix_free(&pf);
        return -1;
    }
    for (int32_t st = pf.d0 + lb; pf.ndays > 0 && st + dur + la - 1 < pf.d0 + pf.ndays; st++) {
        int32_t lo = st - lb, hi = st + dur + la - 1;
        int clash = 0;
        for (size_t k = 0; k < truce_timeline_count(tl) && !clash; k++) {
            const truce_episode *o = truce_timeline_episode(tl, k);
            if (strcmp(o->kind, ep->kind) != 0) continue;
            int32_t oa = o->start_first - lb;
            int32_t ob = o->has_end ? o->end_last + la : INT32_MAX;
            clash = lo <= ob && oa <= hi;
        }
        if (clash) continue;
        double cb, kb, ca, ka;
        prefix_window(&pf, st - lb, st - 1, &cb, &kb);
        prefix_window(&pf, st + dur, hi, &ca, &ka);
        if (kb <= 0.0 || ka <= 0.0 || kb < opt->min_coverage * lb || ka < opt->min_coverage * la)
            continue;
        stat[nc++] = log_ratio_stat(ca, ka, cb, kb);
    }
    prefix_free(&pf);
    /* draw without replacement (partial Fisher-Yates); the stream depends only on the seed,
     * the episode's position in the timeline and the series' position */
    size_t want = opt->placebos < nc ? opt->placebos : nc, ge = 0;
    rng_stream rs;
    rng_open(&rs, opt->seed, 0, (uint32_t)si, (uint32_t)ei, RNG_PURPOSE_PLACEBO);
    for (size_t i = 0; i < want; i++) {
        size_t j = i + (size_t)(rng_uniform(&rs) * (double)(nc - i));
        if (j >= nc) j = nc - 1;
        double tmp = stat[i];
        stat[i] = stat[j];
        stat[j] = tmp;
        ge += fabs(stat[i]) >= fabs(obs) - 1e-12;
    }
    free(stat);
    r->n_placebo = (long)want;
    if (want < MIN_PLACEBOS)
        note_add(r, "placebo: only %zu windows where the series has data away from %s "
                    "episodes (< %d): no p-value", want, ep->kind, MIN_PLACEBOS);
    else
        r->p_placebo = (double)(ge + 1) / (double)(want + 1);
    return 0;
}

static void episode_series(const truce_timeline *tl, size_t ei, const truce_series *s,
                           size_t si, const truce_episodes_options *opt, truce_episode_row *r,
                           extra *x)
{
    const truce_episode *ep = truce_timeline_episode(tl, ei);
    int32_t s0 = ep->start_first;
    int32_t e1 = ep->has_end ? ep->end_last : INT32_MIN;
    size_t np = truce_series_count(s);
    int32_t series_end = INT32_MIN;
    if (np) {
        int32_t f;
        double v;
        truce_series_period(s, np - 1, &f, &series_end, &v);
    }
    if (!ep->has_end) {
        if (series_end >= s0) {
            e1 = series_end;
            note_add(r, "ongoing: during runs to the end of the series, no after window");
        } else {
            note_add(r, "ongoing, and the series ends before it starts");
        }
    }
    if (ep->start_precision != TRUCE_PRECISION_DAY || (ep->has_end && ep->end_precision != TRUCE_PRECISION_DAY))
        note_add(r, "dates at %s precision: windows lie outside the whole uncertain span",
                 (ep->start_precision == TRUCE_PRECISION_YEAR ||
                  (ep->has_end && ep->end_precision == TRUCE_PRECISION_YEAR)) ? "year" : "month");
    int32_t bfirst = opt->window_months > 0 ? add_months(s0, -opt->window_months) : s0 - opt->window_days;
    window wb, wd, wa;
    /* Periods longer than the window are not apportioned. In month mode the bound is the
     * longest window (31 days a month), not this window's days: a 28-day February window
     * must still use the 31-day months around it. */
    int32_t wmax = opt->window_months > 0 ? opt->window_months * 31 : opt->window_days;
    window_eval(s, bfirst, s0 - 1, wmax, opt->min_coverage, "before", &wb);
    int have_d = e1 >= s0, have_a = ep->has_end;
    if (have_d) window_eval(s, s0, e1, e1 - s0 + 1, opt->min_coverage, "during", &wd);
    if (have_a) {
        int32_t alast = opt->window_months > 0 ? month_window_last(e1 + 1, opt->window_months)
                                               : e1 + opt->window_days;
        window_eval(s, e1 + 1, alast, wmax, opt->min_coverage, "after", &wa);
    }
    if (wb.ok) {
        r->rate_before = wb.count / wb.known * 30.0;
        r->count_before = wb.count;
        r->days_before = wb.known;
    } else note_add(r, "%s", wb.why);
    if (have_d) {
        if (wd.ok) {
            r->rate_during = wd.count / wd.known * 30.0;
            r->count_during = wd.count;
            r->days_during = wd.known;
        } else note_add(r, "%s", wd.why);
    }
    if (have_a) {
        if (wa.ok) {
            r->rate_after = wa.count / wa.known * 30.0;
            r->count_after = wa.count;
            r->days_after = wa.known;
        } else note_add(r, "%s", wa.why);
    }
    /* other episodes inside the windows: the contrast is not clean */
    {
        char ids[160] = "";
        size_t used = 0;
        int32_t lo = wb.a, hi = have_a ? wa.b : (have_d ? e1 : s0 - 1);
        for (size_t k = 0; k < truce_timeline_count(tl); k++) {
            if (k == ei) continue;
            const truce_episode *o = truce_timeline_episode(tl, k);
            int32_t oe = o->has_end ? o->end_last : INT32_MAX;
            if (o->start_first <= hi && lo <= oe && used + 12 < sizeof ids) {
                int m = snprintf(ids + used, sizeof ids - used, "%s%s", used ? "," : "", o->id);
                if (m > 0) used += (size_t)m;
            }
        }
        if (used) note_add(r, "windows overlap episode(s) %s", ids);
    }
    if (!(wb.ok && have_a && wa.ok)) {
        if (!have_a) note_add(r, "no after window: no ratio");
        return;
    }
    double lo, hi;
    r->ratio_after_before = st_rate_ratio(wa.count, wa.known, wb.count, wb.known, 0.05, &lo, &hi);
    r->exact_ci_low = lo;
    r->exact_ci_high = hi;
    if (!(wb.count > 0.0)) {
        note_add(r, "no events before: ratio undefined");
        r->ratio_after_before = NAN;
    }
    int32_t lb = s0 - wb.a, la = wa.b - wa.a + 1;
    int32_t maxlen = opt->window_months > 0 ? wmax : lb < la ? lb : la;
    adjusted_ratio(s, s0, e1, &wa, maxlen, r, x);
    if (isfinite(r->ratio_after_before)) {
        double phi = r->dispersion, alpha = x->nb_alpha;
        double pdisp = st_overdispersion_p(phi, x->df);
        if (isfinite(pdisp) && pdisp < OVERDISPERSION_P && isfinite(alpha) && alpha > 0.0 &&
            wa.count > 0.0) {
            /* NB2 counts per period with the window's own rate: a period of L days with k
             * inside the window contributes y k / L, whose variance is (k/L)^2 (m + alpha m^2)
             * with m = rate L; summed, Var(count) = rate s1 + alpha rate^2 s2. Delta method
             * on the log of each window's count. */
            double ra = wa.count / wa.known, rb = wb.count / wb.known;
            double va = (ra * wa.s1 + alpha * ra * ra * wa.s2) / (wa.count * wa.count);
            double vb = (rb * wb.s1 + alpha * rb * rb * wb.s2) / (wb.count * wb.count);
            double se = sqrt(va + vb);
            r->ci_low = r->ratio_after_before * exp(-Z975 * se);
            r->ci_high = r->ratio_after_before * exp(Z975 * se);
            x->se_log_ratio = se;
            snprintf(r->method, sizeof r->method, "negative-binomial");
            note_add(r, "over-dispersed (Pearson test p %.2g): NB2 alpha %.4g", pdisp, alpha);
        } else {
            r->ci_low = lo;
            r->ci_high = hi;
            if (wa.count > 0.0) x->se_log_ratio = sqrt(1.0 / wa.count + 1.0 / wb.count);
            snprintf(r->method, sizeof r->method, "exact-poisson");
            if (!isfinite(phi)) note_add(r, "dispersion not estimated (no regression): exact Poisson interval may be too narrow");
            else if (isfinite(pdisp) && pdisp < OVERDISPERSION_P)
                note_add(r, "over-dispersed (Pearson test p %.2g) but no events after: exact Poisson interval may be too narrow", pdisp);
        }
    }
    if (isfinite(r->adj_ratio)) {
        /* no ratio (no events before) still says so: none+adj:... */
        if (!r->method[0]) snprintf(r->method, sizeof r->method, "none");
        size_t u = strlen(r->method);
        snprintf(r->method + u, sizeof r->method - u, "+adj:quasi-poisson-glm");
    }
    double obs = log_ratio_stat(wa.count, wa.known, wb.count, wb.known);
    if (placebo(s, tl, ep, ei, si, lb, e1 - s0 + 1, la, maxlen, obs, opt, r) != 0)
        note_add(r, "placebo: out of memory");
}

static truce_episode_row *new_row(truce_episodes *e, extra **xs, size_t *xcap)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 64;
        truce_episode_row *p = realloc(e->rows, cap * sizeof *p);
        if (!p) return NULL;
        e->rows = p;
        e->cap = cap;
    }
    if (e->n >= *xcap) {
        size_t cap = *xcap ? 2 * *xcap : 64;
        extra *p = realloc(*xs, cap * sizeof *p);
        if (!p) return NULL;
        *xs = p;
        *xcap = cap;
    }
    truce_episode_row *r = &e->rows[e->n];
    memset(r, 0, sizeof *r);
    r->rate_before = r->rate_during = r->rate_after = NAN;
    r->ratio_after_before = r->ci_low = r->ci_high = r->exact_ci_low = r->exact_ci_high = NAN;
    r->adj_ratio = r->adj_ci_low = r->adj_ci_high = r->p_placebo = NAN;
    r->count_before = r->count_during = r->count_after = NAN;
    r->days_before = r->days_during = r->days_after = NAN;
    r->dispersion = NAN;
    (*xs)[e->n] = (extra){NAN, NAN, NAN, 0};
    e->n++;
    return r;
}

static void pool(const truce_episodes *e, const extra *xs, size_t nrows, const char *kind,
                 const char *metric, int adj, double *est, double *lo, double *hi, int *k,
                 double *q, char *ids, size_t idcap)
{
    double sw = 0.0, swy = 0.0, swyy = 0.0;
    size_t used = 0;
    *k = 0;
    ids[0] = '\0';
    for (size_t i = 0; i < nrows; i++) {
        const truce_episode_row *r = &e->rows[i];
        if (strcmp(r->kind, kind) != 0 || strcmp(r->metric, metric) != 0) continue;
        double yv = log(adj ? r->adj_ratio : r->ratio_after_before);
        double se = adj ? xs[i].se_log_adj : xs[i].se_log_ratio;
        if (!isfinite(yv) || !isfinite(se) || !(se > 0.0)) continue;
        double w = 1.0 / (se * se);
        sw += w;
        swy += w * yv;
        swyy += w * yv * yv;
        (*k)++;
        int m = snprintf(ids + used, idcap - used, "%s%s", used ? "," : "", r->episode);
        if (m > 0 && (size_t)m < idcap - used) used += (size_t)m;
    }
    *est = *lo = *hi = *q = NAN;
    if (*k < 2) return;
    double mu = swy / sw, se = 1.0 / sqrt(sw);
    *est = exp(mu);
    *lo = exp(mu - Z975 * se);
    *hi = exp(mu + Z975 * se);
    *q = swyy - sw * mu * mu;
}

truce_episodes *truce_episodes_run(const truce_timeline *tl, truce_series *const *series,
                                   size_t nseries, const truce_episodes_options *opt,
                                   truce_error *err)
{
    if ((opt->window_days <= 0 && opt->window_months <= 0) || !(opt->min_coverage > 0.0) ||
        opt->min_coverage > 1.0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "window", "a window must be positive");
        return NULL;
    }
    truce_episodes *e = calloc(1, sizeof *e);
    extra *xs = NULL;
    size_t xcap = 0;
    if (!e) goto oom;
    size_t nep = truce_timeline_count(tl);
    for (size_t i = 0; i < nep; i++) {
        const truce_episode *ep = truce_timeline_episode(tl, i);
        if (opt->kind && strcmp(opt->kind, ep->kind) != 0) continue;
        for (size_t j = 0; j < nseries; j++) {
            truce_episode_row *r = new_row(e, &xs, &xcap);
            if (!r) goto oom;
            snprintf(r->episode, sizeof r->episode, "%s", ep->id);
            snprintf(r->kind, sizeof r->kind, "%s", ep->kind);
            snprintf(r->start, sizeof r->start, "%s", ep->start_text);
            snprintf(r->end, sizeof r->end, "%s", ep->end_text);
            snprintf(r->source, sizeof r->source, "%s", truce_series_source(series[j]));
            snprintf(r->metric, sizeof r->metric, "%s", truce_series_metric(series[j]));
            snprintf(r->geography, sizeof r->geography, "%s", truce_series_geography(series[j]));
            episode_series(tl, i, series[j], j, opt, r, &xs[e->n - 1]);
            if (!r->method[0]) snprintf(r->method, sizeof r->method, "none");
        }
    }
    if (e->n == 0) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "kind", "no episode of kind '%s' in the timeline",
                        opt->kind ? opt->kind : "");
        goto fail;
    }
    /* pooled rows: one per kind (in order of first appearance) and series */
    size_t nrows = e->n;
    for (size_t i = 0; i < nrows; i++) {
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++) seen = strcmp(e->rows[k].kind, e->rows[i].kind) == 0;
        if (seen || i % nseries != 0) continue;
        for (size_t j = 0; j < nseries; j++) {
            char kind[64], ids[256], ids2[256];
            snprintf(kind, sizeof kind, "%s", e->rows[i].kind);
            truce_episode_row *r = new_row(e, &xs, &xcap);
            if (!r) goto oom;
            const truce_episode_row *proto = &e->rows[i + j];
            snprintf(r->episode, sizeof r->episode, "pooled:%.56s", kind);
            snprintf(r->kind, sizeof r->kind, "%s", kind);
            snprintf(r->source, sizeof r->source, "%s", proto->source);
            snprintf(r->metric, sizeof r->metric, "%s", proto->metric);
            snprintf(r->geography, sizeof r->geography, "%s", proto->geography);
            snprintf(r->method, sizeof r->method, "inverse-variance");
            int k1, k2;
            double q1, q2;
            pool(e, xs, nrows, kind, proto->metric, 0, &r->ratio_after_before, &r->ci_low,
                 &r->ci_high, &k1, &q1, ids, sizeof ids);
            pool(e, xs, nrows, kind, proto->metric, 1, &r->adj_ratio, &r->adj_ci_low,
                 &r->adj_ci_high, &k2, &q2, ids2, sizeof ids2);
            if (k1 >= 2)
                note_add(r, "ratio pooled over %d episodes (%s), Cochran Q %.2f on %d df; "
                            "windows may overlap, so not independent", k1, ids, q1, k1 - 1);
            else
                note_add(r, "ratio: %d resolved episode(s) of this kind, need 2 to pool", k1);
            if (k2 >= 2) note_add(r, "adjusted pooled over %d episodes (%s)", k2, ids2);
            else note_add(r, "adjusted: %d resolved episode(s), need 2 to pool", k2);
        }
    }
    free(xs);
    return e;
oom:
    truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
fail:
    free(xs);
    truce_episodes_free(e);
    return NULL;
}

/* ---- output ---- */

static void put_str(out_sink *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        sink_puts(out, s);
        return;
    }
    sink_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"') sink_putc(out, '"');
        sink_putc(out, *s);
    }
    sink_putc(out, '"');
}

static void put_num(out_sink *out, double v)
{
    if (!isfinite(v)) sink_puts(out, "NA"); /* Inf is not a result: unresolved, see the note */
    else sink_printf(out, "%.6g", v);
}

static void write_csv(const truce_episodes *e, out_sink *out)
{
    sink_puts(out, "episode,kind,start,end,source,metric,rate_before,rate_during,rate_after,"
          "ratio_after_before,ci_low,ci_high,adj_ratio,adj_ci_low,adj_ci_high,p_placebo,"
          "n_placebo,method,note,geography,count_before,count_during,count_after,"
          "days_before,days_during,days_after,dispersion,exact_ci_low,exact_ci_high\n");
    for (size_t i = 0; i < e->n; i++) {
        const truce_episode_row *r = &e->rows[i];
        const char *s1[] = {r->episode, r->kind, r->start, r->end, r->source, r->metric};
        for (size_t k = 0; k < 6; k++) {
            put_str(out, s1[k]);
            sink_putc(out, ',');
        }
        const double n1[] = {r->rate_before, r->rate_during, r->rate_after, r->ratio_after_before,
                             r->ci_low, r->ci_high, r->adj_ratio, r->adj_ci_low, r->adj_ci_high,
                             r->p_placebo};
        for (size_t k = 0; k < 10; k++) {
            put_num(out, n1[k]);
            sink_putc(out, ',');
        }
        sink_printf(out, "%ld,", r->n_placebo);
        put_str(out, r->method);
        sink_putc(out, ',');
        put_str(out, r->note);
        sink_putc(out, ',');
        put_str(out, r->geography);
        const double n2[] = {r->count_before, r->count_during, r->count_after, r->days_before,
                             r->days_during, r->days_after, r->dispersion, r->exact_ci_low,
                             r->exact_ci_high};
        for (size_t k = 0; k < 9; k++) {
            sink_putc(out, ',');
            put_num(out, n2[k]);
        }
        sink_putc(out, '\n');
    }
}

int truce_episodes_write_csv(const truce_episodes *e, truce_write_fn fn, void *ctx)
{
    out_sink *out = malloc(sizeof *out);
    if (!out) return -1;
    sink_init(out, fn, ctx);
    write_csv(e, out);
    int rc = sink_flush(out);
    free(out);
    return rc;
}

int truce_episodes_save_csv(const truce_episodes *e, const char *path, truce_error *err)
{
    out_file f;
    if (out_file_open(&f, path, err) != 0) return -1;
    out_sink *out = malloc(sizeof *out);
    if (!out) {
        out_file_abort(&f);
        truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "out of memory");
        return -1;
    }
    sink_init(out, sink_file_fn, f.fp);
    write_csv(e, out);
    sink_flush(out);
    free(out);
    /* a failed write leaves the stream's error flag set: the commit reports it */
    return out_file_commit(&f, err);
}

static void cell(char *buf, size_t cap, double v)
{
    if (!isfinite(v)) snprintf(buf, cap, "NA");
    else snprintf(buf, cap, "%.3g", v);
}

int truce_episodes_write_table(const truce_episodes *e, truce_write_fn fn, void *ctx)
{
    out_sink *out = malloc(sizeof *out);
    if (!out) return -1;
    sink_init(out, fn, ctx);
    sink_printf(out, "%-12s %-18s %-10s %-10s %-8s %7s %7s %7s  %-19s %-19s %-12s\n", "episode",
            "kind", "start", "end", "metric", "before", "during", "after",
            "after/before [95%]", "adjusted [95%]", "placebo p (n)");
    for (size_t i = 0; i < e->n; i++) {
        const truce_episode_row *r = &e->rows[i];
        char b[16], d[16], a[16], q[16], ql[16], qh[16], j[16], jl[16], jh[16], p[16];
        char rat[64], adj[64], pl[40];
        cell(b, sizeof b, r->rate_before);
        cell(d, sizeof d, r->rate_during);
        cell(a, sizeof a, r->rate_after);
        cell(q, sizeof q, r->ratio_after_before);
        cell(ql, sizeof ql, r->ci_low);
        cell(qh, sizeof qh, r->ci_high);
        cell(j, sizeof j, r->adj_ratio);
        cell(jl, sizeof jl, r->adj_ci_low);
        cell(jh, sizeof jh, r->adj_ci_high);
        cell(p, sizeof p, r->p_placebo);
        if (isnan(r->ratio_after_before)) snprintf(rat, sizeof rat, "NA");
        else snprintf(rat, sizeof rat, "%s [%s,%s]", q, ql, qh);
        if (isnan(r->adj_ratio)) snprintf(adj, sizeof adj, "NA");
        else snprintf(adj, sizeof adj, "%s [%s,%s]", j, jl, jh);
        snprintf(pl, sizeof pl, "%s (%ld)", p, r->n_placebo);
        sink_printf(out, "%-12.12s %-18.18s %-10.10s %-10.10s %-8.8s %7s %7s %7s  %-19s %-19s %-12s\n",
                r->episode, r->kind, r->start, r->end, r->metric, b, d, a, rat, adj, pl);
        if (r->note[0]) sink_printf(out, "%12s   %s\n", "", r->note);
    }
    int rc = sink_flush(out);
    free(out);
    return rc;
}
