/* result_write — a run's output folder: series.csv (tidy long, with the period's first day
 * as an ISO date) and summary.json (what the run gave and how it was made), written into a
 * temporary folder renamed into place at the end. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"
#include "outpath.h"
#include "provenance.h"
#include "result.h"
#include "series.h"

/* Numbers: whole numbers print as integers; others with 10 significant digits. Both are
 * deterministic, so the same run gives the same bytes. */
static void put_number(FILE *f, double x)
{
    if (x == 0.0) x = 0.0; /* no "-0" */
    if (fabs(x) < 1e15 && x == floor(x)) fprintf(f, "%.0f", x);
    else fprintf(f, "%.10g", x);
}

static void sink_number(out_sink *s, double x)
{
    if (x == 0.0) x = 0.0;
    if (fabs(x) < 1e15 && x == floor(x)) sink_printf(s, "%.0f", x);
    else sink_printf(s, "%.10g", x);
}


/* Does region g report variable k (organisation-wide variables only for "all"; the shared
 * state not for one organisation)? */
static int reports(const truce_result *r, size_t g, truce_variable k)
{
    return r->row_of[g] >= 0 && r->col_of[k] >= 0 && !(g < r->nregions && truce_variable_is_global(k)) &&
           !(r->org >= 0 && truce_variable_info_of(k)->total == TRUCE_TOTAL_POPULATION_MEAN);
}

/* The rows of series.csv into out, or with several organisations (norg > 1) those of
 * series_by_organisation.csv: rs[i] is organisation i's record, named in an organisation
 * column after value; rows by period, then organisation, region and variable. -1 (err)
 * only if a series cannot be computed; a failed write is the sink's (sticky) error. */
static int write_series_of(const truce_result *const *rs, size_t norg, out_sink *out, truce_period by,
                           truce_error *err)
{
    const size_t R = rs[0]->nregions, per = (R + 1) * TRUCE_VAR_COUNT;
    truce_series **cells = calloc(norg * per, sizeof *cells);
    if (!cells) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    int rc = -1;
    size_t nper = 0;
    for (size_t o = 0; o < norg; o++)
        for (size_t g = 0; g <= R; g++)
            for (int k = 0; k < TRUCE_VAR_COUNT; k++) {
                if (!reports(rs[o], g, (truce_variable)k)) continue;
                truce_series *s = truce_result_series(rs[o], g, (truce_variable)k, by, err);
                if (!s) goto done;
                cells[o * per + g * TRUCE_VAR_COUNT + (size_t)k] = s;
                nper = truce_series_count(s);
            }
    sink_puts(out, norg > 1 ? "period,period_start,region,variable,value,organisation\n"
                            : "period,period_start,region,variable,value\n");
    for (size_t p = 0; p < nper; p++) {
        char label[16], first_day[11];
        int32_t first, last;
        double v;
        for (size_t o = 0; o < norg; o++)
            for (size_t g = 0; g <= R; g++)
                for (int k = 0; k < TRUCE_VAR_COUNT; k++) {
                    const truce_series *s = cells[o * per + g * TRUCE_VAR_COUNT + (size_t)k];
                    if (!s) continue;
                    truce_series_period(s, p, &first, &last, &v);
                    const int32_t pstart = cal_period_start(first, by);
                    cal_period_label(pstart, by, label);
                    cal_format(pstart, first_day);
                    sink_printf(out, "%s,%s,%s,%s,", label, first_day, truce_result_region_name(rs[o], g),
                                truce_variable_name((truce_variable)k));
                    sink_number(out, v);
                    if (norg > 1) sink_printf(out, ",%s", rs[0]->org_names[o]);
                    sink_putc(out, '\n');
                }
    }
    rc = 0;
done:
    for (size_t i = 0; i < norg * per; i++) truce_series_free(cells[i]);
    free(cells);
    return rc;
}

static int write_series(const truce_result *r, out_sink *out, truce_period by, truce_error *err)
{
    return write_series_of(&r, 1, out, by, err);
}

/* series_by_organisation.csv, for a run of several organisations. */
static int write_series_by_org(const truce_result *r, out_sink *out, truce_period by, truce_error *err)
{
    const truce_result *rs[SCENARIO_MAX_ORGS];
    for (size_t o = 0; o < r->norgs; o++) rs[o] = r->by_org[o];
    return write_series_of(rs, r->norgs, out, by, err);
}

/* Largest period total of a flow over all regions ("" when none can be computed). */
static void peak_of(const truce_result *r, truce_variable v, truce_period by, double *value, char label[16])
{
    *value = -1.0;
    label[0] = '\0';
    truce_series *s = truce_result_series(r, r->nregions, v, by, NULL);
    if (!s) return;
    for (size_t i = 0; i < truce_series_count(s); i++) {
        int32_t first, last;
        double x;
        truce_series_period(s, i, &first, &last, &x);
        if (x > *value) {
            *value = x;
            cal_period_label(first, by, label);
        }
    }
    truce_series_free(s);
}


static const char *period_word(truce_period by)
{
    static const char *const words[] = {"day", "week", "month", "quarter", "year"};
    return (unsigned)by <= TRUCE_BY_YEAR ? words[by] : "?";
}

/* summary.json into f; write errors are left in f's error flag. */
static void write_summary(const truce_result *r, const truce_scenario *s, FILE *f,
                          truce_period by, const truce_provenance *prov)
{
    const size_t R = r->nregions;
    char d0[11], d1[11];
    cal_format(r->rec.from, d0);
    cal_format(r->rec.to, d1);
    fprintf(f, "{\n  \"truce_version\": \"%s\",\n", TRUCE_VERSION);
    if (prov && prov->command) {
        fputs("  \"command\": ", f);
        json_put_string(f, prov->command);
        fputs(",\n", f);
    }
    fputs("  \"scenario\": ", f);
    json_put_string(f, truce_scenario_name(s));
    fprintf(f, ",\n  \"scenario_hash\": \"%s\",\n  \"params_hash\": \"%s\",\n", truce_scenario_hash(s), r->params_hash);
    fprintf(f, "  \"seed\": %llu,\n  \"run\": %u,\n", (unsigned long long)r->seed, r->run);
    fprintf(f, "  \"mean_field\": %s,\n  \"start\": \"%s\",\n  \"end\": \"%s\",\n  \"days\": %lld,\n",
            r->mean_field ? "true" : "false", d0, d1, (long long)(r->rec.to - r->rec.from + 1));
    fprintf(f, "  \"by\": \"%s\",\n", period_word(by));
    provenance_put_overrides(f, prov, "set", "without", 1);
    provenance_put_inputs(f, prov);
    fprintf(f, ",\n  \"random_words_drawn\": %llu,\n", (unsigned long long)r->draws);
    fputs("  \"totals\": {", f);
    int first = 1;
    for (int k = 0; k < TRUCE_VAR_COUNT; k++) {
        if (!truce_variable_is_flow((truce_variable)k) || !reports(r, R, (truce_variable)k)) continue;
        fprintf(f, "%s\n    \"%s\": ", first ? "" : ",", truce_variable_name((truce_variable)k));
        put_number(f, truce_result_total(r, R, (truce_variable)k, r->rec.from, r->rec.to));
        first = 0;
    }
    fputs("\n  },\n  \"peaks\": {", f);
    static const truce_period peak_periods[2] = {TRUCE_BY_MONTH, TRUCE_BY_YEAR};
    static const truce_variable peak_vars[4] = {TRUCE_VAR_ATTACKS, TRUCE_VAR_DEATHS_SECURITY,
                                                TRUCE_VAR_DEATHS_CIVILIAN, TRUCE_VAR_DEATHS_MILITANT};
    first = 1;
    for (int k = 0; k < 4; k++) {
        if (!reports(r, R, peak_vars[k])) continue;
        fprintf(f, "%s\n    \"%s\": {", first ? "" : ",", truce_variable_name(peak_vars[k]));
        first = 0;
        int q_first = 1;
        for (int q = 0; q < 2; q++) {
            double v;
            char label[16];
            peak_of(r, peak_vars[k], peak_periods[q], &v, label);
            if (!label[0]) continue;
            fprintf(f, "%s\"%s\": {\"period\": \"%s\", \"value\": ", q_first ? "" : ", ",
                    period_word(peak_periods[q]), label);
            put_number(f, v);
            fputc('}', f);
            q_first = 0;
        }
        fputc('}', f);
    }
    fputs("\n  },\n  \"end_state\": {", f);
    first = 1;
    for (int k = 0; k < TRUCE_VAR_COUNT; k++) {
        if (truce_variable_is_flow((truce_variable)k) || !reports(r, R, (truce_variable)k)) continue;
        fprintf(f, "%s\n    \"%s\": ", first ? "" : ",", truce_variable_name((truce_variable)k));
        put_number(f, truce_result_total(r, R, (truce_variable)k, r->rec.from, r->rec.to));
        first = 0;
    }
    fputs("\n  },\n  \"end_state_by_region\": {", f);
    first = 1;
    for (size_t g = 0; g < R; g++) {
        if (r->row_of[g] < 0) continue;
        fprintf(f, "%s\n    ", first ? "" : ",");
        first = 0;
        json_put_string(f, truce_result_region_name(r, g));
        static const truce_variable shown[3] = {TRUCE_VAR_MILITANTS, TRUCE_VAR_FIGHTERS, TRUCE_VAR_COMMANDERS};
        int fk = 1;
        fputs(": {", f);
        for (int k = 0; k < 3; k++) {
            if (!reports(r, g, shown[k])) continue;
            fprintf(f, "%s\"%s\": ", fk ? "" : ", ", truce_variable_name(shown[k]));
            put_number(f, truce_result_total(r, g, shown[k], r->rec.from, r->rec.to));
            fk = 0;
        }
        fputc('}', f);
    }
    fputs("\n  },\n  \"flows\": {", f);
    for (int k = 0; k < TRUCE_FLOW_COUNT; k++) {
        fprintf(f, "%s\n    \"%s\": ", k ? "," : "", truce_flow_name((truce_flow)k));
        put_number(f, r->flows[k]);
    }
    fputs("\n  }\n}\n", f);
}

static const char *const run_files[] = {"series.csv", "summary.json", "observed.csv",
                                        "series_by_organisation.csv", NULL};

int truce_result_write(const truce_result *r, const truce_scenario *s, const char *dir,
                       truce_period by, const truce_provenance *prov, truce_error *err)
{
    if ((unsigned)by > TRUCE_BY_YEAR) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "by", "not a period (day, week, month, quarter, year)");
        return -1;
    }
    /* outpath.h: a temporary folder beside dir, swapped in at the end; a link, a file
     * or a folder holding anything but our two files is refused. */
    out_dir d;
    if (out_dir_begin(&d, dir, run_files, err) != 0) return -1;
    out_sink *sink = malloc(sizeof *sink);
    FILE *f = sink ? out_dir_create(&d, "series.csv", err) : NULL;
    if (!f) {
        if (!sink) truce_error_set(err, TRUCE_ERUNTIME, dir, 0, NULL, "out of memory");
        free(sink);
        goto fail;
    }
    sink_init(sink, sink_file_fn, f);
    int w = write_series(r, sink, by, err);
    sink_flush(sink);
    free(sink);
    if (w != 0) {
        fclose(f);
        goto fail;
    }
    if (out_dir_close(&d, f, "series.csv", err) != 0) goto fail;
    if (r->norgs > 1 && r->by_org[0]) {
        if (!(sink = malloc(sizeof *sink))) {
            truce_error_set(err, TRUCE_ERUNTIME, dir, 0, NULL, "out of memory");
            goto fail;
        }
        if (!(f = out_dir_create(&d, "series_by_organisation.csv", err))) {
            free(sink);
            goto fail;
        }
        sink_init(sink, sink_file_fn, f);
        w = write_series_by_org(r, sink, by, err);
        sink_flush(sink);
        free(sink);
        if (w != 0) {
            fclose(f);
            goto fail;
        }
        if (out_dir_close(&d, f, "series_by_organisation.csv", err) != 0) goto fail;
    }
    if (!(f = out_dir_create(&d, "summary.json", err))) goto fail;
    write_summary(r, s, f, by, prov);
    if (out_dir_close(&d, f, "summary.json", err) != 0) goto fail;
    if (prov && prov->observed) {
        char note[160];
        snprintf(note, sizeof note, "simulated by truce %s: seed %llu run %u, through the observation models",
                 TRUCE_VERSION, (unsigned long long)r->seed, r->run);
        if (!(f = out_dir_create(&d, "observed.csv", err))) goto fail;
        if (reported_write_file(prov->observed, f, "observed.csv", note, err) != 0) {
            fclose(f);
            goto fail;
        }
        if (out_dir_close(&d, f, "observed.csv", err) != 0) goto fail;
    }
    return out_dir_commit(&d, err);
fail:
    out_dir_abort(&d);
    return -1;
}

int truce_result_write_check(const char *dir, truce_error *err)
{
    return out_dir_check(dir, run_files, err);
}

int truce_result_write_csv(const truce_result *r, truce_period by, truce_write_fn fn, void *ctx,
                           truce_error *err)
{
    if ((unsigned)by > TRUCE_BY_YEAR) {
        truce_error_set(err, TRUCE_EINPUT, NULL, 0, "by", "not a period (day, week, month, quarter, year)");
        return -1;
    }
    out_sink *sink = malloc(sizeof *sink);
    if (!sink) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "out of memory");
        return -1;
    }
    sink_init(sink, fn, ctx);
    int rc = write_series(r, sink, by, err);
    if (sink_flush(sink) != 0 && rc == 0) {
        truce_error_set(err, TRUCE_ERUNTIME, NULL, 0, NULL, "series.csv: write error");
        rc = -1;
    }
    free(sink);
    return rc;
}
