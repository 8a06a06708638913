/*
 * nj_decode.h - detect a text's encoding and convert it to UTF-8.
 *
 * Order of evidence (report-format.md §8.2): byte-order mark; a declared charset (HINT,
 * e.g. from an HTML <meta>; GB2312 and GBK are read as GB18030, their superset); strict
 * UTF-8 validation; GB18030.  UTF-16 without a BOM is recognised by its NUL pattern.
 */
#ifndef NJ_DECODE_H
#define NJ_DECODE_H

#include <stddef.h>

/* Canonical names reported in results. */
#define NJ_ENC_UTF8 "UTF-8"
#define NJ_ENC_GB18030 "GB18030"
#define NJ_ENC_UTF16LE "UTF-16LE"
#define NJ_ENC_UTF16BE "UTF-16BE"

struct nj_decoded {
    char *text; /* malloc'd UTF-8, NUL-terminated, BOM removed (caller frees) */
    size_t len;
    const char *encoding; /* one of the NJ_ENC_* names (static) */
    int had_bom;
};

/*
 * Decodes BUF.  HINT may be NULL.  Returns 0 on success; NJ_EINVAL when the bytes are not
 * text in any supported encoding (REASON then names why, in English, static string);
 * NJ_ENOMEM.  Line ends are left as they are.
 */
int nj_decode(const unsigned char *buf, size_t len, const char *hint, struct nj_decoded *out,
              const char **reason);

/* Non-zero when BUF[0..LEN) is valid UTF-8 (no overlongs, no surrogates). */
int nj_utf8_valid(const unsigned char *buf, size_t len);

#endif
