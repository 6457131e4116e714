/* calendar — real dates on the proleptic Gregorian calendar, and reporting periods.
 *
 * A date is a day number: days since 1970-01-01 (negative before). Dates in inputs come
 * at three precisions — day `2021-11-09`, month `2004-04`, year `2002` — and a date used
 * as the start of an interval means its first day, as an end its last day. Periods are
 * labelled `2021-11-09` (day), `2021-W45` (ISO 8601 week, Monday first, the year of its
 * Thursday), `2021-11` (month), `2021-Q4` (quarter), `2021` (year).
 */
#ifndef TRUCE_CALENDAR_H
#define TRUCE_CALENDAR_H

#include <stdint.h>
#include "truce.h"

int32_t cal_days_from_civil(int y, int m, int d);
void cal_civil_from_days(int32_t days, int *y, int *m, int *d);
int cal_days_in_month(int y, int m);
int cal_day_of_year(int32_t days);      /* 1..366 */
int cal_weekday(int32_t days);          /* ISO: 1 = Monday .. 7 = Sunday */

/* Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (the whole string, optionally followed by a
 * time ` 00:00:00.000` or `T00:00:00`). On success sets *first and *last to the first and
 * last day the date covers and *precision, and returns 0; returns -1 on a malformed or
 * impossible date (month 13, 30 February, year outside 1000..9999). `len` bounds the text. */
int cal_parse(const char *text, size_t len, int32_t *first, int32_t *last,
              truce_precision *precision);

/* Write `YYYY-MM-DD` into out (at least 11 bytes). */
void cal_format(int32_t day, char out[static 11]);

/* First day of the period containing `day`, and the first day of the next period. */
int32_t cal_period_start(int32_t day, truce_period by);
int32_t cal_period_next(int32_t period_start, truce_period by);
/* Label of the period that starts on (or contains) `day`; out has at least 16 bytes. */
void cal_period_label(int32_t day, truce_period by, char out[static 16]);
/* Parse a period name: day|week|month|quarter|year. Returns 0 on success. */
int cal_period_from_name(const char *name, truce_period *by);

#endif
