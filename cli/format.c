/* format — the output rule shared by every command that prints a table, and numbers that
 * read back exactly. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

int cli_table_wanted(int force)
{
    if (force == CLI_FORCE_CSV) return 0;
    if (force == CLI_FORCE_TABLE) return 1;
    return isatty(STDOUT_FILENO);
}

const char *cli_shortest(double x, char out[32])
{
    /* 15 significant digits are enough for most decimal inputs (8.3 reads back as 8.3);
     * 17 always are. */
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(out, 32, "%.*g", digits, x);
        if (strtod(out, NULL) == x) break;
    }
    return out;
}
