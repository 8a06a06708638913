/*
 * nj_testzip.c - in-memory ZIP archives for the DOCX tests (see nj_testzip.h).
 */
#include "nj_testzip.h"

#include <zip.h>

#include <stdlib.h>
#include <string.h>

int
nj_testzip_build(const struct nj_zentry *e, size_t n, unsigned char **out, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (src == NULL)
        return -1;
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (za == NULL) {
        zip_source_free(src);
        return -1;
    }
    zip_source_keep(src);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(za, e[i].data, e[i].len, 0);
        zip_int64_t idx = s ? zip_file_add(za, e[i].name, s, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            zip_source_free(s);
            zip_discard(za);
            zip_source_free(src);
            return -1;
        }
        zip_set_file_compression(za, (zip_uint64_t)idx, e[i].store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                 9);
    }
    if (zip_close(za) != 0) {
        zip_discard(za);
        zip_source_free(src);
        return -1;
    }
    zip_stat_t st;
    int rc = -1;
    unsigned char *buf = NULL;
    if (zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
        buf = malloc(st.size ? st.size : 1);
        if (buf != NULL && zip_source_read(src, buf, st.size) == (zip_int64_t)st.size) {
            *out = buf;
            *len = st.size;
            buf = NULL;
            rc = 0;
        }
        zip_source_close(src);
    }
    free(buf);
    zip_source_free(src);
    return rc;
}

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "</Types>";

static const char rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/></Relationships>";

int
nj_testzip_docx(const char *document_xml, const char *styles_xml, unsigned char **out, size_t *len)
{
    struct nj_zentry e[4] = {
        {"[Content_Types].xml", content_types, sizeof(content_types) - 1, 0},
        {"_rels/.rels", rels, sizeof(rels) - 1, 0},
        {"word/document.xml", document_xml, strlen(document_xml), 0},
        {"word/styles.xml", styles_xml, styles_xml ? strlen(styles_xml) : 0, 0},
    };
    return nj_testzip_build(e, styles_xml ? 4 : 3, out, len);
}

void
nj_testzip_flag_encrypted(unsigned char *z, size_t len)
{
    for (size_t i = 0; i + 10 < len; i++) {
        if (z[i] != 'P' || z[i + 1] != 'K')
            continue;
        if (z[i + 2] == 3 && z[i + 3] == 4)
            z[i + 6] |= 1; /* local header: general purpose flags at +6 */
        else if (z[i + 2] == 1 && z[i + 3] == 2)
            z[i + 8] |= 1; /* central header: flags at +8 */
    }
}
