/*
 * fuzz_text.c - libFuzzer target: nj_check() on raw bytes with no reader hooks (the text
 * and Markdown path, encoding detection and the "unsupported container" answers).
 */
#include "nj_core.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nj_options opt;
    memset(&opt, 0, sizeof(opt));
    opt.lang = (size & 1) ? NJ_LANG_EN : NJ_LANG_ZH;
    opt.file_name = "fuzz.txt";
    opt.max_bytes = 4u << 20;
    struct nj_result *res = NULL;
    if (nj_check(data, size, &opt, &res) == 0) {
        (void)nj_result_json(res);
        (void)nj_result_text(res);
        nj_result_free(res);
    }
    return 0;
}
