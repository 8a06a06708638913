/*
 * fuzz_docx.c - libFuzzer target for the DOCX reader.
 *
 * Inputs that start like a ZIP archive ("PK\3\4") are hostile archives: read with small
 * limits (so size and ratio checks are reached quickly), then with the default limits
 * through nj_check().  Any other input is taken as the text of word/document.xml and
 * packed (stored) into a fresh archive first, so the WordprocessingML walker itself is
 * fuzzed, not only the archive checks.
 */
#include "nj_core.h"
#include "nj_doc.h"
#include "nj_readers.h"

#include <zip.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* DATA as word/document.xml in a stored ZIP archive (malloc'd), or NULL. */
static unsigned char *
pack(const uint8_t *data, size_t size, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    unsigned char *out = NULL;
    if (za == NULL) {
        zip_source_free(src);
        return NULL;
    }
    zip_source_keep(src);
    zip_source_t *s = zip_source_buffer(za, data, size, 0);
    zip_int64_t idx = s ? zip_file_add(za, "word/document.xml", s, 0) : -1;
    if (idx < 0)
        zip_source_free(s);
    else
        zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    if (idx < 0 || zip_close(za) != 0) {
        zip_discard(za);
        zip_source_free(src);
        return NULL;
    }
    zip_stat_t st;
    if (zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
        out = malloc(st.size ? st.size : 1);
        if (out != NULL && zip_source_read(src, out, st.size) != (zip_int64_t)st.size) {
            free(out);
            out = NULL;
        }
        *len = st.size;
        zip_source_close(src);
    }
    zip_source_free(src);
    return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct nj_reader_hooks *hooks = nj_readers_hooks();
    int is_zip = size >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
    unsigned char *packed = NULL;
    size_t len = size;
    const unsigned char *buf = data;
    if (!is_zip) {
        packed = pack(data, size, &len);
        if (packed == NULL)
            return 0;
        buf = packed;
    }

    struct nj_docx_limits lim;
    nj_docx_default_limits(&lim);
    lim.max_part_bytes = 8u << 20;
    lim.max_entries = 1000;
    struct nj_doc *doc = nj_doc_new(NJ_LOC_PARAGRAPH);
    if (doc != NULL) {
        char enc[32], err[512];
        (void)nj_docx_read_limited(buf, len, NJ_LANG_EN, &lim, doc, enc, sizeof(enc), err,
                                   sizeof(err));
        nj_doc_free(doc);
    }

    struct nj_options opt;
    memset(&opt, 0, sizeof(opt));
    opt.file_name = "fuzz.docx";
    opt.readers = hooks;
    struct nj_result *res = NULL;
    if (nj_check(buf, len, &opt, &res) == 0)
        nj_result_free(res);
    free(packed);
    return 0;
}
