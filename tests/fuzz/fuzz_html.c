/*
 * fuzz_html.c - libFuzzer target: the HTML reader on its own (the document model is then
 * walked), and nj_check() with the reader hooks on the same bytes.
 */
#include "nj_core.h"
#include "nj_doc.h"
#include "nj_readers.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct nj_reader_hooks *hooks = nj_readers_hooks();
    struct nj_doc *doc = nj_doc_new(NJ_LOC_PARAGRAPH);
    if (doc == NULL)
        return 0;
    char enc[32], err[512];
    if (nj_html_read(data, size, NJ_LANG_ZH, doc, enc, sizeof(enc), err, sizeof(err)) == 0) {
        size_t total = 0;
        for (size_t i = 0; i < nj_doc_n_blocks(doc); i++) {
            const struct nj_block *b = nj_doc_block(doc, i);
            total += b->text ? strlen(b->text) : 0;
            for (size_t j = 0; j < b->n_cells; j++)
                total += strlen(b->cells[j].text) + b->cells[j].col;
        }
        (void)total;
    }
    nj_doc_free(doc);

    struct nj_options opt;
    memset(&opt, 0, sizeof(opt));
    opt.file_name = "fuzz.html";
    opt.readers = hooks;
    struct nj_result *res = NULL;
    if (nj_check(data, size, &opt, &res) == 0)
        nj_result_free(res);
    return 0;
}
