/*
 * fuzz_config.c - libFuzzer target: the daemon's YAML configuration loader
 * (daemon/shell/nj_config.h).  Built only when the nj_shell target exists.
 */
#include "nj_config.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nj_config *cfg = NULL;
    char *errors = NULL;
    if (nj_config_parse("fuzz.yaml", (const char *)data, size, &cfg, &errors) == 0)
        nj_config_free(cfg);
    else if (cfg != NULL)
        nj_config_free(cfg);
    free(errors);
    return 0;
}
