/* result — access to a run's output and writing it: series.csv (tidy long) and
 * summary.json, into a temporary folder renamed into place at the end. */
#include "result.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"

static const char *const variable_names[TRUCE_VAR_COUNT] = {
    [TRUCE_VAR_ATTACKS] = "attacks",
    [TRUCE_VAR_DEATHS_SECURITY] = "deaths_security",
    [TRUCE_VAR_DEATHS_CIVILIAN] = "deaths_civilian",
    [TRUCE_VAR_DEATHS_MILITANT] = "deaths_militant",
    [TRUCE_VAR_RECRUITS] = "recruits",
    [TRUCE_VAR_RECRUITS_IN_TRAINING] = "recruits_in_training",
    [TRUCE_VAR_FIGHTERS] = "fighters",
    [TRUCE_VAR_COMMANDERS] = "commanders",
    [TRUCE_VAR_MILITANTS_IN_SANCTUARY] = "militants_in_sanctuary",
    [TRUCE_VAR_REINTEGRATED] = "reintegrated",
    [TRUCE_VAR_GRIEVANCE] = "grievance",
    [TRUCE_VAR_SUPPORT] = "support",
    [TRUCE_VAR_INTELLIGENCE] = "intelligence",
    [TRUCE_VAR_DEVELOPMENT] = "development",
    [TRUCE_VAR_FUNDS] = "funds",
    [TRUCE_VAR_LEGITIMACY] = "legitimacy",
    [TRUCE_VAR_HOST_PATRONAGE] = "host_patronage",
    [TRUCE_VAR_PRISONERS] = "prisoners",
};

static const char *const flow_names[TRUCE_FLOW_COUNT] = {
    [TRUCE_FLOW_RECRUITED] = "recruited",
    [TRUCE_FLOW_TRAINED] = "trained",
    [TRUCE_FLOW_PROMOTED] = "promoted",
    [TRUCE_FLOW_DESERTED] = "deserted",
    [TRUCE_FLOW_KILLED_IN_OPERATIONS] = "killed_in_operations",
    [TRUCE_FLOW_CAPTURED] = "captured",
    [TRUCE_FLOW_KILLED_IN_ATTACKS] = "killed_in_own_attacks",
    [TRUCE_FLOW_KILLED_IN_STRIKES] = "killed_in_cross_border_strikes",
    [TRUCE_FLOW_MOVED_TO_SANCTUARY] = "moved_to_sanctuary",
    [TRUCE_FLOW_RETURNED_FROM_SANCTUARY] = "returned_from_sanctuary",
    [TRUCE_FLOW_RELEASED] = "released",
    [TRUCE_FLOW_REINTEGRATED] = "reintegrated",
    [TRUCE_FLOW_RECIDIVATED] = "recidivated",
    [TRUCE_FLOW_ATTACKS] = "attacks",
    [TRUCE_FLOW_ATTACKS_TRIGGERED] = "attack_hazard_from_self_excitation",
    [TRUCE_FLOW_ATTACKS_SUPPRESSED] = "attack_hazard_suppressed_by_ceasefires",
    [TRUCE_FLOW_COLLATERAL_DEATHS] = "collateral_civilian_deaths",
    [TRUCE_FLOW_SECURITY_DEATHS_IN_OPERATIONS] = "security_deaths_in_operations",
    [TRUCE_FLOW_BORDER_CLASHES] = "border_clash_days",
    [TRUCE_FLOW_SECURITY_DEATHS_IN_CLASHES] = "security_deaths_in_border_clashes",
    [TRUCE_FLOW_FUNDS_ILLICIT] = "funds_from_illicit_economy",
    [TRUCE_FLOW_FUNDS_PATRON] = "funds_from_patron",
    [TRUCE_FLOW_FUNDS_SPENT] = "funds_spent",
    [TRUCE_FLOW_FUNDS_DISRUPTED] = "funds_disrupted",
    [TRUCE_FLOW_CEASEFIRE_BREAKDOWNS] = "ceasefire_breakdowns",
    [TRUCE_FLOW_DEVELOPMENT_DELIVERED] = "development_delivered",
};

const char *truce_variable_name(truce_variable v)
{
    return (unsigned)v < TRUCE_VAR_COUNT ? variable_names[v] : NULL;
}

int truce_variable_is_flow(truce_variable v) { return v <= TRUCE_VAR_RECRUITS; }

int truce_variable_is_global(truce_variable v) { return v >= TRUCE_VAR_FUNDS && v < TRUCE_VAR_COUNT; }

const char *truce_flow_name(truce_flow f)
{
    return (unsigned)f < TRUCE_FLOW_COUNT ? flow_names[f] : NULL;
}

void truce_result_free(truce_result *r)
{
    if (!r) return;
    free(r->values);
    free(r);
}

size_t truce_result_days(const truce_result *r) { return r->ndays; }
int32_t truce_result_start(const truce_result *r) { return r->start; }
uint64_t truce_result_draws(const truce_result *r) { return r->draws; }

double truce_result_value(const truce_result *r, size_t reg, truce_variable v, size_t day)
{
    if (reg > r->nregions || day >= r->ndays || (unsigned)v >= TRUCE_VAR_COUNT) return NAN;
    return r->values[result_index(r, day, reg, (size_t)v)];
}

double truce_result_flow(const truce_result *r, truce_flow f)
{
    return (unsigned)f < TRUCE_FLOW_COUNT ? r->flows[f] : NAN;
}

/* Numbers: whole numbers print as integers; others with 10 significant digits. Both are
 * deterministic, so the same run gives the same bytes. */
static void put_number(FILE *f, double x)
{
    if (x == 0.0) x = 0.0; /* no "-0" */
    if (fabs(x) < 1e15 && x == floor(x)) fprintf(f, "%.0f", x);
    else fprintf(f, "%.10g", x);
}

static int write_series(const truce_result *r, const truce_scenario *s, const char *path,
                        truce_period by)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    static char buf[1 << 16];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("date,region,variable,value\n", f);
    const size_t R = r->nregions;
    double acc[TRUCE_VAR_COUNT];
    int32_t day = r->start;
    const int32_t last = r->start + (int32_t)r->ndays - 1;
    while (day <= last) {
        int32_t pstart = cal_period_start(day, by);
        int32_t pend = cal_period_next(pstart, by) - 1;
        if (pend > last) pend = last;
        char label[16];
        cal_period_label(pstart, by, label);
        for (size_t g = 0; g <= R; g++) {
            memset(acc, 0, sizeof acc);
            for (int32_t d = day; d <= pend; d++) {
                const double *v = &r->values[result_index(r, (size_t)(d - r->start), g, 0)];
                for (int k = 0; k <= TRUCE_VAR_RECRUITS; k++) acc[k] += v[k];
            }
            const double *lastv = &r->values[result_index(r, (size_t)(pend - r->start), g, 0)];
            for (int k = TRUCE_VAR_RECRUITS + 1; k < TRUCE_VAR_COUNT; k++) acc[k] = lastv[k];
            const char *name = g < R ? truce_scenario_region_name(s, g) : "all";
            for (int k = 0; k < TRUCE_VAR_COUNT; k++) {
                if (g < R && truce_variable_is_global((truce_variable)k)) continue;
                if (!isfinite(acc[k])) {
                    /* every value must be a finite number: refuse rather than write NaN */
                    fclose(f);
                    errno = EDOM;
                    return -1;
                }
                fprintf(f, "%s,%s,%s,", label, name, variable_names[k]);
                put_number(f, acc[k]);
                fputc('\n', f);
            }
        }
        day = pend + 1;
    }
    int bad = ferror(f);
    if (fclose(f) != 0) bad = 1;
    return bad ? -1 : 0;
}

static double total_of(const truce_result *r, truce_variable v)
{
    double t = 0.0;
    for (size_t d = 0; d < r->ndays; d++) t += r->values[result_index(r, d, r->nregions, (size_t)v)];
    return t;
}

/* Largest monthly (or yearly) total of a flow variable over all regions. */
static void peak_of(const truce_result *r, truce_variable v, truce_period by, double *value,
                    char label[16])
{
    *value = -1.0;
    label[0] = '\0';
    int32_t day = r->start;
    const int32_t last = r->start + (int32_t)r->ndays - 1;
    while (day <= last) {
        int32_t pstart = cal_period_start(day, by);
        int32_t pend = cal_period_next(pstart, by) - 1;
        if (pend > last) pend = last;
        double t = 0.0;
        for (int32_t d = day; d <= pend; d++)
            t += r->values[result_index(r, (size_t)(d - r->start), r->nregions, (size_t)v)];
        if (t > *value) {
            *value = t;
            cal_period_label(pstart, by, label);
        }
        day = pend + 1;
    }
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static int write_summary(const truce_result *r, const truce_scenario *s, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    const size_t R = r->nregions, lastday = r->ndays - 1;
    char d0[11], d1[11];
    cal_format(r->start, d0);
    cal_format(r->start + (int32_t)lastday, d1);
    fprintf(f, "{\n  \"truce_version\": \"%s\",\n  \"scenario\": ", TRUCE_VERSION);
    json_string(f, truce_scenario_name(s));
    fprintf(f, ",\n  \"scenario_hash\": \"%s\",\n  \"seed\": %llu,\n  \"run\": %u,\n", truce_scenario_hash(s),
            (unsigned long long)r->seed, r->run);
    fprintf(f, "  \"mean_field\": %s,\n  \"start\": \"%s\",\n  \"end\": \"%s\",\n  \"days\": %zu,\n",
            r->mean_field ? "true" : "false", d0, d1, r->ndays);
    fprintf(f, "  \"random_words_drawn\": %llu,\n", (unsigned long long)r->draws);
    fputs("  \"totals\": {", f);
    for (int k = 0; k <= TRUCE_VAR_RECRUITS; k++) {
        fprintf(f, "%s\n    \"%s\": ", k ? "," : "", variable_names[k]);
        put_number(f, total_of(r, (truce_variable)k));
    }
    fputs("\n  },\n  \"peaks\": {", f);
    static const truce_period peak_periods[2] = {TRUCE_BY_MONTH, TRUCE_BY_YEAR};
    static const char *const peak_names[2] = {"month", "year"};
    for (int k = 0; k <= TRUCE_VAR_DEATHS_MILITANT; k++) {
        fprintf(f, "%s\n    \"%s\": {", k ? "," : "", variable_names[k]);
        for (int q = 0; q < 2; q++) {
            double v;
            char label[16];
            peak_of(r, (truce_variable)k, peak_periods[q], &v, label);
            fprintf(f, "%s\"%s\": {\"period\": \"%s\", \"value\": ", q ? ", " : "", peak_names[q], label);
            put_number(f, v);
            fputc('}', f);
        }
        fputc('}', f);
    }
    fputs("\n  },\n  \"end_state\": {", f);
    const double *end_all = &r->values[result_index(r, lastday, R, 0)];
    double strength = end_all[TRUCE_VAR_RECRUITS_IN_TRAINING] + end_all[TRUCE_VAR_FIGHTERS] +
                      end_all[TRUCE_VAR_COMMANDERS];
    fputs("\n    \"militants\": ", f);
    put_number(f, strength);
    for (int k = TRUCE_VAR_RECRUITS_IN_TRAINING; k < TRUCE_VAR_COUNT; k++) {
        fprintf(f, ",\n    \"%s\": ", variable_names[k]);
        put_number(f, end_all[k]);
    }
    fputs("\n  },\n  \"end_state_by_region\": {", f);
    for (size_t g = 0; g < R; g++) {
        const double *v = &r->values[result_index(r, lastday, g, 0)];
        fprintf(f, "%s\n    ", g ? "," : "");
        json_string(f, truce_scenario_region_name(s, g));
        fputs(": {\"militants\": ", f);
        put_number(f, v[TRUCE_VAR_RECRUITS_IN_TRAINING] + v[TRUCE_VAR_FIGHTERS] + v[TRUCE_VAR_COMMANDERS]);
        fputs(", \"fighters\": ", f);
        put_number(f, v[TRUCE_VAR_FIGHTERS]);
        fputs(", \"commanders\": ", f);
        put_number(f, v[TRUCE_VAR_COMMANDERS]);
        fputc('}', f);
    }
    fputs("\n  },\n  \"flows\": {", f);
    for (int k = 0; k < TRUCE_FLOW_COUNT; k++) {
        fprintf(f, "%s\n    \"%s\": ", k ? "," : "", flow_names[k]);
        put_number(f, r->flows[k]);
    }
    fputs("\n  }\n}\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0) bad = 1;
    return bad ? -1 : 0;
}

static void remove_tree(const char *dir)
{
    char path[4400];
    static const char *const names[] = {"series.csv", "summary.json"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int truce_result_write(const truce_result *r, const truce_scenario *s, const char *dir,
                       truce_period by, truce_error *err)
{
    char tmp[4096], path[4200];
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    if (n == 0 || n + 64 > sizeof tmp) {
        truce_error_set(err, TRUCE_EINPUT, dir, 0, "--out", "not a usable folder name");
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%.*s.tmp-%ld", (int)n, dir, (long)getpid());
    remove_tree(tmp);
    if (mkdir(tmp, 0777) != 0) {
        truce_error_set(err, TRUCE_ERUNTIME, tmp, 0, NULL, "cannot create folder: %s", strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/series.csv", tmp);
    if (write_series(r, s, path, by) != 0) goto fail;
    snprintf(path, sizeof path, "%s/summary.json", tmp);
    if (write_summary(r, s, path) != 0) goto fail;
    /* Replace an existing output folder written by an earlier run: only one that holds
     * nothing but our two files, and never leave the user without either version. */
    char target[4096], old[4200];
    snprintf(target, sizeof target, "%.*s", (int)n, dir);
    snprintf(old, sizeof old, "%s.old-%ld", target, (long)getpid());
    struct stat st;
    int had_old = 0;
    if (stat(target, &st) == 0) {
        const char *why = NULL;
        if (!S_ISDIR(st.st_mode)) {
            why = "exists and is not a folder";
        } else {
            DIR *d = opendir(target);
            struct dirent *de;
            while (d && (de = readdir(d)) != NULL) {
                const char *nm = de->d_name;
                if (strcmp(nm, ".") && strcmp(nm, "..") && strcmp(nm, "series.csv") &&
                    strcmp(nm, "summary.json")) {
                    why = "exists and holds other files than series.csv and summary.json; choose another --out";
                    break;
                }
            }
            if (d) closedir(d);
            else why = "exists and cannot be read";
        }
        if (why) {
            remove_tree(tmp);
            truce_error_set(err, TRUCE_EINPUT, target, 0, "--out", "%s", why);
            return -1;
        }
        remove_tree(old);
        if (rename(target, old) != 0) {
            int e = errno;
            remove_tree(tmp);
            truce_error_set(err, TRUCE_ERUNTIME, target, 0, NULL, "cannot replace: %s", strerror(e));
            return -1;
        }
        had_old = 1;
    }
    if (rename(tmp, target) != 0) {
        int e = errno;
        remove_tree(tmp);
        if (had_old) rename(old, target);
        truce_error_set(err, TRUCE_ERUNTIME, target, 0, NULL, "cannot write output: %s", strerror(e));
        return -1;
    }
    if (had_old) remove_tree(old);
    return 0;
fail:;
    int e = errno;
    remove_tree(tmp);
    truce_error_set(err, TRUCE_ERUNTIME, path, 0, NULL, "cannot write: %s", strerror(e));
    return -1;
}
