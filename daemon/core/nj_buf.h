/*
 * nj_buf.h - a growable byte buffer for building strings (JSON, messages).  After an
 * allocation failure the buffer is marked failed and further appends are no-ops, so
 * callers check once at the end (nj_buf_failed).
 */
#ifndef NJ_BUF_H
#define NJ_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct nj_buf {
    char *data; /* NUL-terminated while not failed */
    size_t len;
    size_t cap;
    int failed;
};

void nj_buf_init(struct nj_buf *b);
void nj_buf_free(struct nj_buf *b);
void nj_buf_reset(struct nj_buf *b);
/* The appends' way when the buffer must grow (or has failed). */
void nj_buf_add_slow(struct nj_buf *b, const char *s, size_t len);
void nj_buf_addc_slow(struct nj_buf *b, char c);

/* Appends LEN bytes of S.  Inline: most appends are short pieces into room there is. */
static inline void
nj_buf_add(struct nj_buf *b, const char *s, size_t len)
{
    if (!b->failed && len < b->cap - b->len) { /* cap > len always once allocated */
        memcpy(b->data + b->len, s, len);
        b->len += len;
        b->data[b->len] = '\0';
    } else {
        nj_buf_add_slow(b, s, len);
    }
}

/* Appends the string S (inline, so a literal's length is known when compiling). */
static inline void
nj_buf_adds(struct nj_buf *b, const char *s)
{
    nj_buf_add(b, s, strlen(s));
}

/* Appends the byte C. */
static inline void
nj_buf_addc(struct nj_buf *b, char c)
{
    if (!b->failed && 1 < b->cap - b->len) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
    } else {
        nj_buf_addc_slow(b, c);
    }
}
void nj_buf_addll(struct nj_buf *b, long long v);
void nj_buf_printf(struct nj_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nj_buf_vprintf(struct nj_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends S as a JSON string literal (with quotes); NULL gives `null`. */
void nj_buf_json_str(struct nj_buf *b, const char *s);
/* Takes ownership of the data (caller frees); the buffer is reset. */
char *nj_buf_take(struct nj_buf *b);
int nj_buf_failed(const struct nj_buf *b);

#endif
