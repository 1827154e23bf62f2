/* wsuslog-query: reports on an index written by wsuslog-index. Everything
 * but this entry point is in the wlquery library (cli.c) so tests can run
 * the program in-process. */
#include <stdio.h>

#include "query.h"

int main(int argc, char **argv)
{
	return wl_query_run(argc, argv, stdout, stderr);
}
