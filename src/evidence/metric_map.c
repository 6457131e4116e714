/* metric_map — how reported metrics correspond to the model's variables where the names or
 * the meanings differ. It lives with the evidence because it describes what the sources
 * count; it names model variables only as text, so this layer needs nothing above it.
 * docs/series.md shows this table (tests/cli/test_docs.sh checks it stays in step). */
#include <stddef.h>

#include "truce.h"

/* Reported metrics (data/pakistan_series.csv, PROVENANCE.md) whose meaning differs from the
 * model variable of the same or a similar name. A metric not listed here and named like a
 * model variable means that variable (attacks, deaths_security, deaths_civilian,
 * militants_killed_in_operations). */
static const truce_metric_map metric_table[] = {
    {"killed", "deaths_security+deaths_civilian+militants_killed_in_attacks",
     "PICSS and PIPS count the people killed in militant attacks, attackers included; the model's "
     "deaths_security and deaths_civilian also hold deaths in operations and border clashes, which these "
     "sources leave out: an upper bound on what they would report"},
    {"deaths_militant", "militants_killed_in_attacks",
     "PICSS and PIPS deaths_militant are attackers killed in their own attacks; the model's deaths_militant "
     "also counts militants killed in operations and strikes"},
    {"killed_with_operations", "deaths_security+deaths_civilian+deaths_militant",
     "CRSS counts attacks and counter-terror operations together, militants included"},
    {"events", "attacks",
     "UCDP GED and ACLED events read from `truce events aggregate` output (docs/observations.md, \"Event "
     "data\"): every battle, bombing and act of one-sided violence, the state's operations and clashes "
     "included. The model counts only militant attacks as events, so its attacks are the closest "
     "variable; the source's reporting rate absorbs the operation encounters the model does not count "
     "as events"},
    {"deaths", "deaths_security+deaths_civilian+deaths_militant",
     "UCDP GED's best estimate and ACLED's fatalities count every death of an event, militants "
     "killed in operations included (as CRSS's killed_with_operations)"},
};

size_t truce_metric_map_count(void) { return sizeof metric_table / sizeof metric_table[0]; }

const truce_metric_map *truce_metric_map_at(size_t i)
{
    return i < truce_metric_map_count() ? &metric_table[i] : NULL;
}
