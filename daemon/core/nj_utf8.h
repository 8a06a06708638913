/*
 * nj_utf8.h - UTF-8 helpers, the normalisation of report-format.md §8.3 and the reading
 * of numbers from cells.
 */
#ifndef NJ_UTF8_H
#define NJ_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Decodes one code point at *P (advancing it); invalid bytes give U+FFFD. */
uint32_t nj_u8_next_slow(const char **p, const char *end);

/* Decodes the code point at *P (before END) and advances *P; malformed input gives
 * U+FFFD.  ASCII and well-formed three-byte sequences (all of CJK) take the fast path. */
static inline uint32_t
nj_u8_next(const char **p, const char *end)
{
    const unsigned char *s = (const unsigned char *)*p;
    if (s[0] < 0x80) {
        *p += 1;
        return s[0];
    }
    if ((s[0] & 0xF0) == 0xE0 && end - *p >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        uint32_t c = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
                     (uint32_t)(s[2] & 0x3F);
        if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
            *p += 3;
            return c;
        }
    }
    return nj_u8_next_slow(p, end);
}
/* The length in bytes (a multiple of 3) of the run of three-byte sequences at P (before
 * END) whose lead bytes lie in LO..HI (both within E1..EC, where every continuation pair
 * is valid: no overlong form, no surrogate) and whose other bytes are continuation bytes.
 * With SSE2, five characters at a time. */
static inline size_t
nj_u8_run3(const char *p, const char *end, unsigned lo, unsigned hi)
{
    const unsigned char *u = (const unsigned char *)p, *e = (const unsigned char *)end;
#ifdef __SSE2__
    if (e - u >= 16) {
        /* Bytes compared as signed: leads LO..HI, continuations 0x80..0xBF (-128..-65). */
        const __m128i lo1 = _mm_set1_epi8((char)(lo - 1)), hi1 = _mm_set1_epi8((char)(hi + 1)),
                      c_m64 = _mm_set1_epi8(-64);
        do {
            __m128i x = _mm_loadu_si128((const __m128i *)u);
            unsigned lead = (unsigned)_mm_movemask_epi8(
                _mm_and_si128(_mm_cmpgt_epi8(x, lo1), _mm_cmplt_epi8(x, hi1)));
            unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, c_m64));
            /* bytes 0..14: leads at 0 3 6 9 12, continuations elsewhere.  Bit 3t of GOOD
             * is set when character t is such a sequence; the run ends at the first that
             * is not. */
            unsigned good = lead & (cont >> 1) & (cont >> 2) & 0x1249u;
            if (good != 0x1249u)
                return (size_t)(u - (const unsigned char *)p) +
                       (size_t)__builtin_ctz(~good & 0x1249u);
            u += 15;
        } while (e - u >= 16);
    }
#endif
    while (e - u >= 3 && u[0] >= lo && u[0] <= hi && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80)
        u += 3;
    return (size_t)(u - (const unsigned char *)p);
}

/* Encodes CP into OUT (at least 4 bytes); returns the number of bytes. */
size_t nj_u8_put(char *out, uint32_t cp);
/* Number of code points in S[0..LEN). */
size_t nj_u8_count(const char *s, size_t len);

/* The first occurrence of the N-byte string NEEDLE in H[0..HN), found with memchr on its
 * first byte: fast when that byte is rare in the text (the lead byte E3 of CJK
 * punctuation such as 、, say), unlike memmem.  NULL when absent. */
const char *nj_find_rare(const char *h, size_t hn, const char *needle, size_t n);

/* The first occurrence of NEEDLE (N bytes) in H[0..HN), or NULL.  Candidates are
 * screened by the needle's last two bytes, sixteen positions at a time: for a needle
 * ending in a Chinese character those are its two continuation bytes, which pick out
 * that character among thousands (a search on the first bytes matches every character
 * that shares a lead byte). */
const char *nj_memfind(const char *h, size_t hn, const char *needle, size_t n);

/* strstr with nj_memfind: the first occurrence of NEEDLE in the string H, or NULL.  Inline,
 * so the length of a literal needle is known when compiling. */
static inline const char *
nj_strfind(const char *h, const char *needle)
{
    return nj_memfind(h, strlen(h), needle, strlen(needle));
}

/*
 * The key form of a label, used for matching and never shown to users: full-width ASCII
 * becomes ASCII (（）→(), ０-９→0-9), all whitespace (including U+3000 and NBSP) and
 * quotation marks are removed, dashes become '-'.  Writes at most OUT_SIZE-1 bytes plus
 * NUL and returns the length.
 */
size_t nj_keyform(const char *s, size_t len, char *out, size_t out_size);

/* Non-zero when the code point is a CJK ideograph. */
int nj_is_cjk(uint32_t cp);

enum nj_num_kind {
    NJ_NUM_EMPTY = 0,   /* nothing in the cell */
    NJ_NUM_PLACEHOLDER, /* —, -, /, 无, 空, N/A …: read as 0 */
    NJ_NUM_INT,         /* a whole number (possibly negative) */
    NJ_NUM_DECIMAL,     /* a number with a fractional part */
    NJ_NUM_TEXT,        /* anything else */
};

struct nj_num {
    enum nj_num_kind kind;
    int negative;
    int64_t ival;  /* for INT: the value; for DECIMAL: the integer part */
    double dval;   /* the value as a double (INT and DECIMAL) */
    char unit[12]; /* unit suffix that was stripped: 件, 个, 万元, 元 … or "" */
    int annotated; /* a note in brackets followed the number, e.g. 22（其中修订16件） */
};

/* Reads the number in a cell's text (§8.3: full-width digits, spaces, thousands
 * separators, unit suffixes, placeholders). */
void nj_num_parse(const char *s, struct nj_num *out);

/* Non-zero when S is "value-like": a number or a placeholder (not empty, not text). */
int nj_num_like(const char *s);

/* Non-zero when S is empty or whitespace only. */
int nj_blank(const char *s);

#endif
