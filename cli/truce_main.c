/* truce — the program's entry point (build/truce). build/truce-mpi has its own
 * (mpi/truce_mpi.c) around the same cli_main. */
#include "cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv); }
