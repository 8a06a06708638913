/*
 * nj_decode.c - encoding detection and conversion to UTF-8 with glibc's iconv.
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_decode.h"
#include "nj_core.h"
#include "nj_utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
nj_utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            /* A run of ASCII, eight bytes at a time. */
            while (i + 8 <= len) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ULL)
                    break;
                i += 8;
            }
            continue;
        }
        if (c >= 0xE1 && c <= 0xEC) {
            /* The bulk of Chinese text, a run at a time. */
            size_t r = nj_u8_run3((const char *)s + i, (const char *)s + len, 0xE1, 0xEC);
            if (r > 0) {
                i += r;
                continue;
            }
        }
        if ((c & 0xF0) == 0xE0 && i + 2 < len && (s[i + 1] & 0xC0) == 0x80 &&
            (s[i + 2] & 0xC0) == 0x80) {
            /* Three bytes, the bulk of Chinese text: not overlong, not a surrogate. */
            unsigned v = (c & 0x0Fu) << 12 | (s[i + 1] & 0x3Fu) << 6 | (s[i + 2] & 0x3Fu);
            if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
                return 0;
            i += 3;
            continue;
        }
        size_t n;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + n >= len)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

/* Converts with iconv; returns 0, NJ_EINVAL on an invalid sequence, NJ_ENOMEM. */
static int
convert(const char *from, const unsigned char *buf, size_t len, struct nj_decoded *out)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return NJ_EINVAL;
    size_t cap = len * 2 + 16;
    char *dst = malloc(cap);
    if (dst == NULL) {
        iconv_close(cd);
        return NJ_ENOMEM;
    }
    char *in = (char *)buf;
    size_t inleft = len;
    char *o = dst;
    size_t oleft = cap - 1;
    int rc = 0;
    while (inleft > 0) {
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            size_t used = (size_t)(o - dst);
            cap *= 2;
            char *nd = realloc(dst, cap);
            if (nd == NULL) {
                rc = NJ_ENOMEM;
                break;
            }
            dst = nd;
            o = dst + used;
            oleft = cap - used - 1;
            continue;
        }
        rc = NJ_EINVAL; /* EILSEQ or EINVAL (truncated sequence) */
        break;
    }
    iconv_close(cd);
    if (rc) {
        free(dst);
        return rc;
    }
    *o = '\0';
    out->text = dst;
    out->len = (size_t)(o - dst);
    return 0;
}

static int
copy_utf8(const unsigned char *buf, size_t len, struct nj_decoded *out)
{
    out->text = malloc(len + 1);
    if (out->text == NULL)
        return NJ_ENOMEM;
    memcpy(out->text, buf, len);
    out->text[len] = '\0';
    out->len = len;
    out->encoding = NJ_ENC_UTF8;
    return 0;
}

/* Guesses UTF-16 without a BOM from the pattern of NUL bytes in ASCII-heavy text. */
static const char *
guess_utf16(const unsigned char *buf, size_t len)
{
    if (len < 4 || len % 2)
        return NULL;
    size_t even = 0, odd = 0, n = len < 4096 ? len : 4096;
    for (size_t i = 0; i + 1 < n; i += 2) {
        even += buf[i] == 0;
        odd += buf[i + 1] == 0;
    }
    size_t pairs = n / 2;
    if (odd > pairs / 3 && even <= pairs / 20)
        return NJ_ENC_UTF16LE;
    if (even > pairs / 3 && odd <= pairs / 20)
        return NJ_ENC_UTF16BE;
    return NULL;
}

int
nj_decode(const unsigned char *buf, size_t len, const char *hint, struct nj_decoded *out,
          const char **reason)
{
    memset(out, 0, sizeof(*out));
    *reason = NULL;
    if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
        out->had_bom = 1;
        if (!nj_utf8_valid(buf + 3, len - 3)) {
            *reason = "the file starts with a UTF-8 byte-order mark but is not valid UTF-8";
            return NJ_EINVAL;
        }
        return copy_utf8(buf + 3, len - 3, out);
    }
    const char *enc16 = NULL;
    size_t skip = 0;
    if (len >= 2 && buf[0] == 0xFF && buf[1] == 0xFE) {
        enc16 = NJ_ENC_UTF16LE;
        skip = 2;
    } else if (len >= 2 && buf[0] == 0xFE && buf[1] == 0xFF) {
        enc16 = NJ_ENC_UTF16BE;
        skip = 2;
    } else {
        enc16 = guess_utf16(buf, len);
    }
    if (enc16 != NULL) {
        out->had_bom = skip != 0;
        int rc = convert(enc16, buf + skip, len - skip, out);
        if (rc == NJ_EINVAL)
            *reason = "the file looks like UTF-16 but contains invalid sequences";
        out->encoding = enc16;
        return rc;
    }
    int gb_hint =
        hint != NULL && (strcasecmp(hint, "gb2312") == 0 || strcasecmp(hint, "gbk") == 0 ||
                         strcasecmp(hint, "gb18030") == 0 || strcasecmp(hint, "x-gbk") == 0 ||
                         strcasecmp(hint, "cp936") == 0 || strcasecmp(hint, "euc-cn") == 0);
    if (!gb_hint && nj_utf8_valid(buf, len))
        return copy_utf8(buf, len, out);
    int rc = convert("GB18030", buf, len, out);
    if (rc == 0) {
        out->encoding = NJ_ENC_GB18030;
        return 0;
    }
    if (rc == NJ_EINVAL && gb_hint && nj_utf8_valid(buf, len))
        return copy_utf8(buf, len, out);
    if (rc == NJ_EINVAL)
        *reason = "the bytes are neither UTF-8, UTF-16 nor GB18030/GBK text";
    return rc;
}
