/*
 * nj_utf8.c - UTF-8 decoding, key forms for label matching and reading numbers.
 */
#include "nj_utf8.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

uint32_t
nj_u8_next_slow(const char **pp, const char *end)
{
    const unsigned char *p = (const unsigned char *)*pp;
    const unsigned char *e = (const unsigned char *)end;
    uint32_t c = *p++;
    int n;
    uint32_t min;
    if (c < 0x80) {
        *pp = (const char *)p;
        return c;
    } else if ((c & 0xE0) == 0xC0) {
        n = 1;
        c &= 0x1F;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 2;
        c &= 0x0F;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 3;
        c &= 0x07;
        min = 0x10000;
    } else {
        *pp = (const char *)p;
        return 0xFFFD;
    }
    for (int i = 0; i < n; i++) {
        if (p >= e || (*p & 0xC0) != 0x80) {
            *pp = (const char *)p;
            return 0xFFFD;
        }
        c = (c << 6) | (*p++ & 0x3F);
    }
    *pp = (const char *)p;
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0xFFFD;
    return c;
}

size_t
nj_u8_put(char *out, uint32_t cp)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t
nj_u8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

int
nj_is_cjk(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F);
}

static int
is_space(uint32_t c)
{
    if (c < 0x80)
        return c == ' ' || (c >= '\t' && c <= '\r');
    if (c >= 0x3001 && c < 0xFEFF)
        return 0;
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0xA0 ||
           c == 0x3000 || c == 0xFEFF || (c >= 0x2000 && c <= 0x200D) || c == 0x202F || c == 0x205F;
}

/* Maps one code point to its key form; returns 0 to drop it. */
static uint32_t
key_cp(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E) {
        /* Full-width ASCII (common: ，（）：；), none of it a space: as below, quicker. */
        c -= 0xFEE0;
        return c == '"' || c == '\'' ? 0 : c;
    }
    if (is_space(c))
        return 0;
    if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
    switch (c) {
    case 0x201C:
    case 0x201D:
    case 0x2018:
    case 0x2019:
    case '"':
    case '\'':
    case 0x300C:
    case 0x300D:
    case 0x300E:
    case 0x300F:
    case 0x2033:
    case 0x2032:
        return 0;
    case 0x2014:
    case 0x2013:
    case 0x2012:
    case 0x2015:
    case 0x2212:
    case 0xFE58:
        return '-';
    case 0x3010: /* 【 */
        return '[';
    case 0x3011: /* 】 */
        return ']';
    case 0xFF61:
    case 0x3002: /* 。 */
        return 0x3002;
    default:
        return c;
    }
}

size_t
nj_keyform(const char *s, size_t len, char *out, size_t out_size)
{
    const char *p = s, *end = s + len;
    size_t o = 0;
    while (p < end && *p) {
        unsigned char b = (unsigned char)*p;
        if (b < 0x80) {
            /* ASCII: drop spaces and straight quotes, keep the rest. */
            p++;
            if (b == ' ' || (b >= '\t' && b <= '\r') || b == '"' || b == '\'')
                continue;
            if (o + 2 > out_size)
                break;
            out[o++] = (char)b;
            continue;
        }
        if (b >= 0xE4 && b <= 0xE9) {
            /* U+4000..U+9FFF, the bulk of CJK ideographs: kept as they are, a run at a
             * time (room for the run and the terminating NUL checked once). */
            size_t room = out_size > o ? (out_size - o - 1) / 3 : 0;
            size_t avail = (size_t)(end - p) / 3, lim = room < avail ? room : avail;
            size_t k = nj_u8_run3(p, p + 3 * lim, 0xE4, 0xE9) / 3;
            if (k > 0) {
                if (k <= 5 && out_size - o >= 16 && end - p >= 16)
                    memcpy(out + o, p, 16); /* most runs are short: one fixed-size copy */
                else
                    memcpy(out + o, p, 3 * k);
                o += 3 * k;
                p += 3 * k;
                continue;
            }
            if (lim == 0 && avail > 0 && ((unsigned char)p[1] & 0xC0) == 0x80 &&
                ((unsigned char)p[2] & 0xC0) == 0x80)
                break; /* no room for it */
        }
        const char *q = p;
        uint32_t c0 = nj_u8_next(&q, end);
        uint32_t c = key_cp(c0);
        if (c == 0) {
            p = q;
            continue;
        }
        if (c == c0 && c0 != 0xFFFD) {
            /* Unchanged: copy the bytes as they are. */
            size_t n = (size_t)(q - p);
            if (o + n + 1 > out_size)
                break;
            for (size_t i = 0; i < n; i++) /* 1..4 bytes: no call */
                out[o + i] = p[i];
            o += n;
        } else if (c < 0x80) {
            if (o + 2 > out_size)
                break;
            out[o++] = (char)c;
        } else {
            char tmp[4];
            size_t n = nj_u8_put(tmp, c);
            if (o + n + 1 > out_size)
                break;
            for (size_t i = 0; i < n; i++)
                out[o + i] = tmp[i];
            o += n;
        }
        p = q;
    }
    if (out_size)
        out[o] = '\0';
    return o;
}

int
nj_blank(const char *s)
{
    unsigned char b = (unsigned char)s[0];
    if (b == 0)
        return 1;
    if ((b > ' ' && b < 0x80) || (b >= 0xE4 && b <= 0xE9))
        return 0; /* printable ASCII, or an ideograph: not a space */
    const char *end = s + strlen(s);
    while (s < end) {
        if (!is_space(nj_u8_next(&s, end)))
            return 0;
    }
    return 1;
}

static const char *const placeholders[] = {
    "-",    "--",   "---", "/", "//", "\\", "无", "空", "N/A", "n/a", "NA", "na",
    "null", "NULL", "*",   "×", "x",  "X",  "—",  "——", "…",   "...", NULL,
};

static const struct {
    const char *s;
    size_t len;
} units[] = {{"万元", 6}, {"元", 3},   {"件", 3}, {"个", 3}, {"条", 3}, {"次", 3},
             {"项", 3},   {"人次", 6}, {"人", 3}, {"份", 3}, {NULL, 0}};

/* Length of S when it is 1..15 ASCII digits and nothing else, else 0. */
static size_t
plain_digits(const char *s)
{
    size_t n = 0;
    while (n < 16 && s[n] >= '0' && s[n] <= '9')
        n++;
    return n <= 15 && s[n] == '\0' ? n : 0;
}

void
nj_num_parse(const char *s, struct nj_num *out)
{
    memset(out, 0, sizeof(*out));
    size_t pd = plain_digits(s);
    if (pd) {
        /* The common cell: what the general path below gives, without its passes. */
        int64_t v = 0;
        for (size_t i = 0; i < pd; i++)
            v = v * 10 + (s[i] - '0');
        out->kind = NJ_NUM_INT;
        out->ival = v;
        out->dval = (double)v; /* exact: below 2^53 */
        return;
    }
    char k[256];
    size_t n = nj_keyform(s, strlen(s), k, sizeof(k));
    if (n == 0) {
        out->kind = NJ_NUM_EMPTY;
        return;
    }
    int digit0 = k[0] >= '0' && k[0] <= '9'; /* no placeholder starts with a digit */
    for (int i = 0; n <= 6 && !digit0 && placeholders[i]; i++) {
        if (strcmp(k, placeholders[i]) == 0) {
            out->kind = NJ_NUM_PLACEHOLDER;
            return;
        }
    }
    /* A note in brackets after the number, e.g. 22(其中修订16件): keep the number. */
    char *br = strchr(k, '(');
    if (br != NULL && br > k) {
        *br = '\0';
        n = (size_t)(br - k);
        out->annotated = 1;
    }
    /* Unit suffix. */
    for (int i = 0; !(k[n - 1] >= '0' && k[n - 1] <= '9') && units[i].s; i++) {
        size_t ul = units[i].len;
        if (n > ul && memcmp(k + n - ul, units[i].s, ul) == 0) {
            k[n - ul] = '\0';
            n -= ul;
            memcpy(out->unit, units[i].s, ul + 1);
            break;
        }
    }
    const char *p = k;
    if (*p == '-' || *p == '+') {
        out->negative = *p == '-';
        p++;
    }
    /* Digits with thousands separators and at most one decimal point. */
    char digits[64];
    size_t d = 0;
    int seen_dot = 0, seen_digit = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (d + 1 >= sizeof(digits))
                goto text;
            digits[d++] = *p;
            seen_digit = 1;
        } else if (*p == ',' && seen_digit && !seen_dot && p[1] >= '0' && p[1] <= '9') {
            continue;
        } else if (*p == '.' && seen_digit && !seen_dot && p[1] >= '0' && p[1] <= '9') {
            if (d + 1 >= sizeof(digits))
                goto text;
            digits[d++] = '.';
            seen_dot = 1;
        } else {
            goto text;
        }
    }
    if (!seen_digit)
        goto text;
    digits[d] = '\0';
    out->dval = strtod(digits, NULL);
    if (out->negative)
        out->dval = -out->dval;
    if (seen_dot) {
        /* "0.00" and "12.0" are whole numbers written with decimals. */
        char *dot = strchr(digits, '.');
        int frac_zero = 1;
        for (char *q = dot + 1; *q; q++)
            if (*q != '0')
                frac_zero = 0;
        out->kind = frac_zero ? NJ_NUM_INT : NJ_NUM_DECIMAL;
        *dot = '\0';
    } else {
        out->kind = NJ_NUM_INT;
    }
    if (strlen(digits) > 15)
        goto text;
    out->ival = strtoll(digits, NULL, 10);
    if (out->negative)
        out->ival = -out->ival;
    return;
text:
    memset(out, 0, sizeof(*out));
    out->kind = NJ_NUM_TEXT;
}

int
nj_num_like(const char *s)
{
    if (plain_digits(s))
        return 1;
    /* Quick answer for the common case, a word: numbers and placeholders never start
     * with a CJK ideograph other than 无 and 空. */
    const char *p = s, *end = s + strlen(s);
    while (p < end) {
        const char *q = p;
        uint32_t c = nj_u8_next(&q, end);
        if (!is_space(c)) {
            if (nj_is_cjk(c) && c != 0x65E0 && c != 0x7A7A)
                return 0;
            break;
        }
        p = q;
    }
    struct nj_num v;
    nj_num_parse(s, &v);
    return v.kind == NJ_NUM_PLACEHOLDER || v.kind == NJ_NUM_INT || v.kind == NJ_NUM_DECIMAL;
}

const char *
nj_find_rare(const char *h, size_t hn, const char *needle, size_t n)
{
    if (n == 0)
        return h;
    const char *end = h + hn, *q = h;
    while ((size_t)(end - q) >= n && (q = memchr(q, needle[0], (size_t)(end - q) - n + 1))) {
        if (memcmp(q + 1, needle + 1, n - 1) == 0)
            return q;
        q++;
    }
    return NULL;
}

#ifdef __SSE2__
/* The first candidate start AT + bit (each bit of M, lowest first) where NEEDLE (N >= 2
 * bytes, its last two already matched) stands, or NULL. */
static inline const char *
first_candidate(const char *at, unsigned m, const char *needle, size_t n)
{
    while (m) {
        unsigned bit = (unsigned)__builtin_ctz(m);
        if (memcmp(at + bit, needle, n - 2) == 0)
            return at + bit;
        m &= m - 1;
    }
    return NULL;
}
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NJ_AVX2 1
#include <immintrin.h>

/* nj_memfind's screen 32 positions at a time, from *QP while the loads stay inside H;
 * *QP is left where it stopped.  Only called when the CPU has AVX2. */
__attribute__((target("avx2"))) static const char *
memfind_avx2(const char *h, size_t hn, const char *needle, size_t n, size_t *qp)
{
    size_t q = *qp;
    const __m256i a = _mm256_set1_epi8(needle[n - 2]), b = _mm256_set1_epi8(needle[n - 1]);
    while (q + n + 31 <= hn) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(h + q + n - 2));
        __m256i y = _mm256_loadu_si256((const __m256i *)(h + q + n - 1));
        unsigned m = (unsigned)_mm256_movemask_epi8(
            _mm256_and_si256(_mm256_cmpeq_epi8(x, a), _mm256_cmpeq_epi8(y, b)));
        const char *r = first_candidate(h + q, m, needle, n);
        if (r != NULL)
            return r;
        q += 32;
    }
    *qp = q;
    return NULL;
}
#endif

const char *
nj_memfind(const char *h, size_t hn, const char *needle, size_t n)
{
    if (n == 0)
        return h;
    if (n > hn)
        return NULL;
    size_t q = 0, last = hn - n; /* candidate starts 0..last */
#ifdef NJ_AVX2
    if (n >= 2 && hn >= 64 && __builtin_cpu_supports("avx2")) {
        const char *r = memfind_avx2(h, hn, needle, n, &q);
        if (r != NULL)
            return r;
    }
#endif
#ifdef __SSE2__
    if (n >= 2) {
        const __m128i a = _mm_set1_epi8(needle[n - 2]), b = _mm_set1_epi8(needle[n - 1]);
        /* Reads h[q + n - 2 .. q + n + 14]: needs q + n + 15 <= hn. */
        while (q + n + 15 <= hn) {
            __m128i x = _mm_loadu_si128((const __m128i *)(h + q + n - 2));
            __m128i y = _mm_loadu_si128((const __m128i *)(h + q + n - 1));
            unsigned m = (unsigned)_mm_movemask_epi8(
                _mm_and_si128(_mm_cmpeq_epi8(x, a), _mm_cmpeq_epi8(y, b)));
            const char *r = first_candidate(h + q, m, needle, n);
            if (r != NULL)
                return r;
            q += 16;
        }
    }
#endif
    for (; q <= last; q++)
        if (h[q] == needle[0]) {
            size_t i = 1;
            while (i < n && h[q + i] == needle[i])
                i++;
            if (i == n)
                return h + q;
        }
    return NULL;
}
