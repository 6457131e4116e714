/* dates — the public face of the calendar module. */
#include <string.h>

#include "calendar.h"

int truce_date_parse(const char *text, int32_t *first, int32_t *last, truce_precision *prec)
{
    return cal_parse(text, strlen(text), first, last, prec);
}

void truce_date_format(int32_t day, char out[11]) { cal_format(day, out); }

void truce_period_label(int32_t day, truce_period by, char out[16])
{
    cal_period_label(day, by, out);
}

int truce_period_parse(const char *name, truce_period *by)
{
    return cal_period_from_name(name, by);
}
