/*
 * fuzz_hscan.c - libFuzzer target, differential: whenever the strict HTML scanner
 * (nj_hscan) accepts a page, the tree the reader builds from its events must be the one it
 * builds from libxml2's HTML parser, node for node.  A difference aborts.
 */
#include "nj_readers.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        (void)nj_readers_hooks(); /* initialises libxml2 */
        init = 1;
    }
    char *scanned = NULL, *parsed = NULL;
    int rs = nj_html_tree_dump((const char *)data, size, 1, &scanned);
    if (rs == 0) {
        int rp = nj_html_tree_dump((const char *)data, size, 0, &parsed);
        if (rp != 0 || strcmp(scanned, parsed) != 0) {
            fprintf(stderr,
                    "scanner and libxml2 differ (libxml2 rc %d)\n--- scanner\n%s\n"
                    "--- libxml2\n%s\n",
                    rp, scanned, parsed ? parsed : "");
            abort();
        }
    }
    free(scanned);
    free(parsed);
    return 0;
}
