/* variables — the properties of every output variable, and how reported metrics map onto
 * them. One table each: the writers, the period summaries and the docs read these, never
 * the order of the enum. */
#include <string.h>

#include "truce.h"

static const truce_variable_info variable_table[TRUCE_VAR_COUNT] = {
    [TRUCE_VAR_ATTACKS] = {"attacks", TRUCE_KIND_FLOW, TRUCE_TOTAL_SUM, "attacks",
                           "Militant-initiated attacks in the state's regions"},
    [TRUCE_VAR_DEATHS_SECURITY] = {"deaths_security", TRUCE_KIND_FLOW, TRUCE_TOTAL_SUM, "people",
                                   "Security-force deaths in attacks, operations and border clashes"},
    [TRUCE_VAR_DEATHS_CIVILIAN] = {"deaths_civilian", TRUCE_KIND_FLOW, TRUCE_TOTAL_SUM, "people",
                                   "Civilian deaths in attacks and as collateral of operations"},
    [TRUCE_VAR_DEATHS_MILITANT] = {"deaths_militant", TRUCE_KIND_FLOW, TRUCE_TOTAL_SUM, "people",
                                   "Militant deaths of every kind: in operations, cross-border strikes and their own attacks"},
    [TRUCE_VAR_RECRUITS] = {"recruits", TRUCE_KIND_FLOW, TRUCE_TOTAL_SUM, "people", "New recruits"},
    [TRUCE_VAR_RECRUITS_IN_TRAINING] = {"recruits_in_training", TRUCE_KIND_STOCK, TRUCE_TOTAL_SUM, "people",
                                        "Recruits not yet fighters"},
    [TRUCE_VAR_FIGHTERS] = {"fighters", TRUCE_KIND_STOCK, TRUCE_TOTAL_SUM, "people", "Fighters"},
    [TRUCE_VAR_COMMANDERS] = {"commanders", TRUCE_KIND_STOCK, TRUCE_TOTAL_SUM, "people", "Commanders"},
    [TRUCE_VAR_MILITANTS_IN_SANCTUARY] = {"militants_in_sanctuary", TRUCE_KIND_STOCK, TRUCE_TOTAL_SUM, "people",
                                          "Recruits, fighters and commanders in the sanctuary"},
    [TRUCE_VAR_REINTEGRATED] = {"reintegrated", TRUCE_KIND_STOCK, TRUCE_TOTAL_SUM, "people",
                                "Ex-militants in reintegration"},
    [TRUCE_VAR_GRIEVANCE] = {"grievance", TRUCE_KIND_STOCK, TRUCE_TOTAL_POPULATION_MEAN, "index 0-1",
                             "Grievance against the state"},
    [TRUCE_VAR_SUPPORT] = {"support", TRUCE_KIND_STOCK, TRUCE_TOTAL_POPULATION_MEAN, "index 0-1",
                           "Public support for the state"},
    [TRUCE_VAR_INTELLIGENCE] = {"intelligence", TRUCE_KIND_STOCK, TRUCE_TOTAL_POPULATION_MEAN, "index 0-1",
                                "State intelligence quality"},
    [TRUCE_VAR_DEVELOPMENT] = {"development", TRUCE_KIND_STOCK, TRUCE_TOTAL_POPULATION_MEAN, "index 0-1",
                               "Development stock"},
    [TRUCE_VAR_FUNDS] = {"funds", TRUCE_KIND_STOCK, TRUCE_TOTAL_ORGANISATION, "million USD",
                         "The organisation's funds"},
    [TRUCE_VAR_LEGITIMACY] = {"legitimacy", TRUCE_KIND_STOCK, TRUCE_TOTAL_ORGANISATION, "index 0-1",
                              "The organisation's legitimacy"},
    [TRUCE_VAR_HOST_PATRONAGE] = {"host_patronage", TRUCE_KIND_STOCK, TRUCE_TOTAL_ORGANISATION, "index 0-1",
                                  "Patronage of the sanctuary's host"},
    [TRUCE_VAR_PRISONERS] = {"prisoners", TRUCE_KIND_STOCK, TRUCE_TOTAL_ORGANISATION, "people",
                             "Militants held by the state"},
    [TRUCE_VAR_MILITANTS_KILLED_IN_ATTACKS] = {"militants_killed_in_attacks", TRUCE_KIND_FLOW, TRUCE_TOTAL_SUM,
                                               "people", "Attackers killed in their own attacks"},
    [TRUCE_VAR_MILITANTS_KILLED_IN_OPERATIONS] = {"militants_killed_in_operations", TRUCE_KIND_FLOW,
                                                  TRUCE_TOTAL_SUM, "people",
                                                  "Militants killed in the state's operations and in cross-border strikes"},
    [TRUCE_VAR_MILITANTS] = {"militants", TRUCE_KIND_STOCK, TRUCE_TOTAL_SUM, "people",
                             "Recruits in training, fighters and commanders, wherever they are"},
};

const truce_variable_info *truce_variable_info_of(truce_variable v)
{
    return (unsigned)v < TRUCE_VAR_COUNT ? &variable_table[v] : NULL;
}

const char *truce_variable_name(truce_variable v)
{
    return (unsigned)v < TRUCE_VAR_COUNT ? variable_table[v].name : NULL;
}

int truce_variable_find(const char *name, truce_variable *v)
{
    for (int k = 0; k < TRUCE_VAR_COUNT; k++)
        if (name && strcmp(variable_table[k].name, name) == 0) {
            *v = (truce_variable)k;
            return 0;
        }
    return -1;
}

int truce_variable_is_flow(truce_variable v)
{
    return (unsigned)v < TRUCE_VAR_COUNT && variable_table[v].kind == TRUCE_KIND_FLOW;
}

int truce_variable_is_global(truce_variable v)
{
    return (unsigned)v < TRUCE_VAR_COUNT && variable_table[v].total == TRUCE_TOTAL_ORGANISATION;
}
