/* calendar — see calendar.h. Day-number conversions follow Howard Hinnant's
 * "chrono-Compatible Low-Level Date Algorithms" (days_from_civil / civil_from_days). */
#include "calendar.h"

#include <string.h>

int32_t cal_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;                                   /* [0, 399] */
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  /* [0, 365] */
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void cal_civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int32_t doe = z - era * 146097;
    const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int32_t yy = yoe + era * 400;
    const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int32_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int cal_days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 ? 28 + is_leap(y) : len[m - 1];
}

int cal_day_of_year(int32_t days)
{
    int y, m, d;
    cal_civil_from_days(days, &y, &m, &d);
    return (int)(days - cal_days_from_civil(y, 1, 1)) + 1;
}

int cal_weekday(int32_t days)
{
    /* 1970-01-01 was a Thursday (ISO 4). */
    int32_t w = (days + 3) % 7;
    if (w < 0) w += 7;
    return (int)w + 1;
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Accept an optional time-of-day suffix that says midnight, as UCDP writes it. */
static int is_midnight_suffix(const char *s, size_t n)
{
    if (n == 0) return 1;
    if (s[0] != ' ' && s[0] != 'T') return 0;
    s++, n--;
    static const char full[] = "00:00:00.000";
    if (n < 5 || n > 12) return 0;
    return memcmp(s, full, n) == 0 && (n == 5 || n == 8 || n >= 10);
}

int cal_parse(const char *t, size_t len, int32_t *first, int32_t *last,
              truce_precision *precision)
{
    int y, m = 0, d = 0;
    if (len < 4 || digits(t, 4, &y) || y < 1000) return -1;
    if (len == 4) {
        *first = cal_days_from_civil(y, 1, 1);
        *last = cal_days_from_civil(y, 12, 31);
        *precision = TRUCE_PRECISION_YEAR;
        return 0;
    }
    if (len < 7 || t[4] != '-' || digits(t + 5, 2, &m) || m < 1 || m > 12) return -1;
    if (len == 7) {
        *first = cal_days_from_civil(y, m, 1);
        *last = cal_days_from_civil(y, m, cal_days_in_month(y, m));
        *precision = TRUCE_PRECISION_MONTH;
        return 0;
    }
    if (len < 10 || t[7] != '-' || digits(t + 8, 2, &d) || d < 1 ||
        d > cal_days_in_month(y, m))
        return -1;
    if (!is_midnight_suffix(t + 10, len - 10)) return -1;
    *first = *last = cal_days_from_civil(y, m, d);
    *precision = TRUCE_PRECISION_DAY;
    return 0;
}

void cal_format(int32_t day, char out[static 11])
{
    int y, m, d;
    cal_civil_from_days(day, &y, &m, &d);
    /* Years are 1000..9999 by construction of every date we accept. */
    out[0] = (char)('0' + (y / 1000) % 10);
    out[1] = (char)('0' + (y / 100) % 10);
    out[2] = (char)('0' + (y / 10) % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

int32_t cal_period_start(int32_t day, truce_period by)
{
    int y, m, d;
    switch (by) {
    case TRUCE_BY_DAY: return day;
    case TRUCE_BY_WEEK: return day - (cal_weekday(day) - 1);
    case TRUCE_BY_MONTH:
        cal_civil_from_days(day, &y, &m, &d);
        return cal_days_from_civil(y, m, 1);
    case TRUCE_BY_QUARTER:
        cal_civil_from_days(day, &y, &m, &d);
        return cal_days_from_civil(y, ((m - 1) / 3) * 3 + 1, 1);
    case TRUCE_BY_YEAR:
        cal_civil_from_days(day, &y, &m, &d);
        return cal_days_from_civil(y, 1, 1);
    }
    return day;
}

int32_t cal_period_next(int32_t start, truce_period by)
{
    int y, m, d;
    switch (by) {
    case TRUCE_BY_DAY: return start + 1;
    case TRUCE_BY_WEEK: return start + 7;
    case TRUCE_BY_MONTH:
        cal_civil_from_days(start, &y, &m, &d);
        return start + cal_days_in_month(y, m);
    case TRUCE_BY_QUARTER:
        cal_civil_from_days(start, &y, &m, &d);
        m += 3;
        if (m > 12) m -= 12, y++;
        return cal_days_from_civil(y, m, 1);
    case TRUCE_BY_YEAR:
        cal_civil_from_days(start, &y, &m, &d);
        return cal_days_from_civil(y + 1, 1, 1);
    }
    return start + 1;
}

static void put_num(char *out, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void cal_period_label(int32_t day, truce_period by, char out[static 16])
{
    int y, m, d;
    cal_civil_from_days(day, &y, &m, &d);
    out[0] = '\0'; /* an unknown period kind labels nothing */
    switch (by) {
    case TRUCE_BY_DAY: cal_format(day, out); return;
    case TRUCE_BY_WEEK: {
        /* ISO week: the week's Thursday decides the year. */
        int32_t thursday = day - (cal_weekday(day) - 1) + 3;
        int ty, tm, td;
        cal_civil_from_days(thursday, &ty, &tm, &td);
        int week = (cal_day_of_year(thursday) - 1) / 7 + 1;
        put_num(out, ty, 4);
        out[4] = '-', out[5] = 'W';
        put_num(out + 6, week, 2);
        out[8] = '\0';
        return;
    }
    case TRUCE_BY_MONTH:
        put_num(out, y, 4);
        out[4] = '-';
        put_num(out + 5, m, 2);
        out[7] = '\0';
        return;
    case TRUCE_BY_QUARTER:
        put_num(out, y, 4);
        out[4] = '-', out[5] = 'Q', out[6] = (char)('1' + (m - 1) / 3), out[7] = '\0';
        return;
    case TRUCE_BY_YEAR:
        put_num(out, y, 4);
        out[4] = '\0';
        return;
    }
}

int cal_period_from_name(const char *name, truce_period *by)
{
    static const struct { const char *name; truce_period by; } names[] = {
        {"day", TRUCE_BY_DAY},         {"week", TRUCE_BY_WEEK}, {"month", TRUCE_BY_MONTH},
        {"quarter", TRUCE_BY_QUARTER}, {"year", TRUCE_BY_YEAR},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *by = names[i].by;
            return 0;
        }
    return -1;
}
