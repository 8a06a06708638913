/*
 * nj_json.c - a bounded scanner for top-level fields of a JSON object.
 */
#include "nj_json.h"

#include <stdio.h>
#include <string.h>

static size_t
skip_ws(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* Returns the index just after the string starting at I (s[i] == '"'), or 0 on error. */
static size_t
skip_string(const char *s, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return 0;
}

/* Returns the index after the value starting at I, or 0 on error. */
static size_t
skip_value(const char *s, size_t len, size_t i)
{
    int depth = 0;
    if (i >= len)
        return 0;
    if (s[i] == '"')
        return skip_string(s, len, i);
    if (s[i] != '{' && s[i] != '[') {
        while (i < len && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' &&
               s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
            i++;
        return i;
    }
    for (; i < len; i++) {
        if (s[i] == '"') {
            size_t j = skip_string(s, len, i);
            if (!j)
                return 0;
            i = j - 1;
        } else if (s[i] == '{' || s[i] == '[') {
            if (++depth > 256)
                return 0;
        } else if (s[i] == '}' || s[i] == ']') {
            if (--depth == 0)
                return i + 1;
        }
    }
    return 0;
}

int
nj_json_find(const char *s, size_t len, const char *key, const char **val, size_t *val_len)
{
    size_t klen = strlen(key);
    size_t i = skip_ws(s, len, 0);

    if (i >= len || s[i] != '{')
        return -1;
    i++;
    for (;;) {
        i = skip_ws(s, len, i);
        if (i >= len || s[i] != '"')
            return -1;
        size_t kstart = i + 1;
        size_t kend = skip_string(s, len, i);
        if (!kend)
            return -1;
        i = skip_ws(s, len, kend);
        if (i >= len || s[i] != ':')
            return -1;
        i = skip_ws(s, len, i + 1);
        size_t vend = skip_value(s, len, i);
        if (!vend)
            return -1;
        if (kend - 1 - kstart == klen && memcmp(s + kstart, key, klen) == 0) {
            *val = s + i;
            *val_len = vend - i;
            return 0;
        }
        i = skip_ws(s, len, vend);
        if (i >= len || s[i] != ',')
            return -1;
        i++;
    }
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int
read_u4(const char *p, size_t left, unsigned *out)
{
    unsigned v = 0;
    if (left < 4)
        return -1;
    for (int k = 0; k < 4; k++) {
        int h = hexval(p[k]);
        if (h < 0)
            return -1;
        v = v * 16 + (unsigned)h;
    }
    *out = v;
    return 0;
}

int
nj_json_get_str(const char *s, size_t len, const char *key, char *out, size_t size)
{
    const char *v;
    size_t vl, o = 0;

    if (size == 0 || nj_json_find(s, len, key, &v, &vl) < 0 || vl < 2 || v[0] != '"')
        return -1;
    for (size_t i = 1; i + 1 < vl; i++) {
        char c = v[i];
        char buf[4];
        size_t n = 1;
        buf[0] = c;
        if (c == '\\') {
            if (++i >= vl - 1)
                return -1;
            switch (v[i]) {
            case 'n':
                buf[0] = '\n';
                break;
            case 't':
                buf[0] = '\t';
                break;
            case 'r':
                buf[0] = '\r';
                break;
            case 'b':
                buf[0] = '\b';
                break;
            case 'f':
                buf[0] = '\f';
                break;
            case 'u': {
                unsigned cp;
                if (read_u4(v + i + 1, vl - i - 2, &cp) < 0)
                    return -1;
                i += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < vl && v[i + 1] == '\\' &&
                    v[i + 2] == 'u') {
                    unsigned lo;
                    if (read_u4(v + i + 3, vl - i - 4, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        i += 6;
                    }
                }
                if (cp < 0x80) {
                    buf[0] = (char)cp;
                } else if (cp < 0x800) {
                    buf[0] = (char)(0xC0 | (cp >> 6));
                    buf[1] = (char)(0x80 | (cp & 0x3F));
                    n = 2;
                } else if (cp < 0x10000) {
                    buf[0] = (char)(0xE0 | (cp >> 12));
                    buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    buf[2] = (char)(0x80 | (cp & 0x3F));
                    n = 3;
                } else {
                    buf[0] = (char)(0xF0 | (cp >> 18));
                    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    buf[3] = (char)(0x80 | (cp & 0x3F));
                    n = 4;
                }
                break;
            }
            default:
                buf[0] = v[i];
                break;
            }
        }
        if (o + n >= size)
            return -1;
        memcpy(out + o, buf, n);
        o += n;
    }
    out[o] = '\0';
    return 0;
}

int
nj_json_get_u64(const char *s, size_t len, const char *key, uint64_t *out)
{
    const char *v;
    size_t vl;
    uint64_t x = 0;

    if (nj_json_find(s, len, key, &v, &vl) < 0 || vl == 0 || vl > 20)
        return -1;
    for (size_t i = 0; i < vl; i++) {
        if (v[i] < '0' || v[i] > '9' || x > (UINT64_MAX - 9) / 10)
            return -1;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    *out = x;
    return 0;
}

size_t
nj_json_quote(char *out, size_t size, const char *s)
{
    size_t o = 0;
#define PUT(ch)                                                                                    \
    do {                                                                                           \
        if (o + 1 < size)                                                                          \
            out[o] = (ch);                                                                         \
        o++;                                                                                       \
    } while (0)
    PUT('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            PUT('\\');
            PUT((char)*p);
        } else if (*p < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            for (int k = 0; esc[k]; k++)
                PUT(esc[k]);
        } else {
            PUT((char)*p);
        }
    }
    PUT('"');
    if (size)
        out[o < size ? o : size - 1] = '\0';
#undef PUT
    return o;
}
