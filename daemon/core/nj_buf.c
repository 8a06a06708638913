/*
 * nj_buf.c - growable string buffer.
 */
#include "nj_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
nj_buf_init(struct nj_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void
nj_buf_free(struct nj_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

void
nj_buf_reset(struct nj_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int
grow(struct nj_buf *b, size_t extra)
{
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > ((size_t)-1) / 2) {
            b->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    char *d = realloc(b->data, cap);
    if (d == NULL) {
        b->failed = 1;
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

static inline int
reserve(struct nj_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    return grow(b, extra);
}

void
nj_buf_add_slow(struct nj_buf *b, const char *s, size_t len)
{
    if (reserve(b, len))
        return;
    if (len <= 16) /* most pieces are short: no call */
        for (size_t i = 0; i < len; i++)
            b->data[b->len + i] = s[i];
    else
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void
nj_buf_addc_slow(struct nj_buf *b, char c)
{
    if (reserve(b, 1))
        return;
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void
nj_buf_vprintf(struct nj_buf *b, const char *fmt, va_list ap)
{
    if (b->failed)
        return;
    /* Format straight into the free space; only when it does not fit, grow and again. */
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < room) {
        b->len += (size_t)n;
        return;
    }
    if (reserve(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void
nj_buf_addll(struct nj_buf *b, long long v)
{
    char tmp[24];
    size_t i = sizeof(tmp);
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    nj_buf_add(b, tmp + i, sizeof(tmp) - i);
}

void
nj_buf_printf(struct nj_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nj_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void
nj_buf_json_str(struct nj_buf *b, const char *s)
{
    if (s == NULL) {
        nj_buf_adds(b, "null");
        return;
    }
    nj_buf_addc(b, '"');
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *run = p;
    for (; *p; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\')
            continue;
        nj_buf_add(b, (const char *)run, (size_t)(p - run));
        switch (*p) {
        case '"':
            nj_buf_adds(b, "\\\"");
            break;
        case '\\':
            nj_buf_adds(b, "\\\\");
            break;
        case '\n':
            nj_buf_adds(b, "\\n");
            break;
        case '\r':
            nj_buf_adds(b, "\\r");
            break;
        case '\t':
            nj_buf_adds(b, "\\t");
            break;
        default:
            nj_buf_printf(b, "\\u%04x", *p);
            break;
        }
        run = p + 1;
    }
    nj_buf_add(b, (const char *)run, (size_t)(p - run));
    nj_buf_addc(b, '"');
}

char *
nj_buf_take(struct nj_buf *b)
{
    if (b->failed) {
        nj_buf_free(b);
        return NULL;
    }
    if (b->data == NULL)
        nj_buf_add(b, "", 0);
    char *d = b->data;
    memset(b, 0, sizeof(*b));
    return d;
}

int
nj_buf_failed(const struct nj_buf *b)
{
    return b->failed;
}
