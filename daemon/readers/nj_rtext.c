/*
 * nj_rtext.c - text helpers shared by the HTML and DOCX readers (see nj_rtext.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_rtext.h"
#include "nj_core.h"

#include <stdlib.h>
#include <string.h>

void
nj_sb_init(struct nj_sb *sb)
{
    sb->p = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void
nj_sb_free(struct nj_sb *sb)
{
    free(sb->p);
    nj_sb_init(sb);
}

void
nj_sb_reset(struct nj_sb *sb)
{
    sb->len = 0;
    if (sb->p != NULL)
        sb->p[0] = '\0';
}

static int
sb_reserve(struct nj_sb *sb, size_t extra)
{
    if (extra > SIZE_MAX / 2 - sb->len)
        return NJ_ENOMEM;
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return NJ_OK;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(sb->p, cap);
    if (p == NULL)
        return NJ_ENOMEM;
    sb->p = p;
    sb->cap = cap;
    return NJ_OK;
}

int
nj_sb_add(struct nj_sb *sb, const char *s, size_t n)
{
    if (n == 0)
        return NJ_OK;
    if (sb_reserve(sb, n) != NJ_OK)
        return NJ_ENOMEM;
    memcpy(sb->p + sb->len, s, n);
    sb->len += n;
    sb->p[sb->len] = '\0';
    return NJ_OK;
}

const char *
nj_sb_cstr(struct nj_sb *sb)
{
    return sb->len ? sb->p : "";
}

int
nj_sb_add_collapsed(struct nj_sb *sb, const char *s, size_t n)
{
    if (sb_reserve(sb, n) != NJ_OK)
        return NJ_ENOMEM;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        int space = 0;
        if (u[i] == ' ' || u[i] == '\t' || u[i] == '\n' || u[i] == '\r' || u[i] == '\f' ||
            u[i] == '\v') {
            space = 1;
        } else if (u[i] == 0xC2 && i + 1 < n && u[i + 1] == 0xA0) {
            space = 1;
            i++;
        } else if (u[i] == 0) {
            continue;
        }
        if (space) {
            if (sb->len > 0 && sb->p[sb->len - 1] != ' ')
                sb->p[sb->len++] = ' ';
        } else {
            sb->p[sb->len++] = (char)u[i];
        }
    }
    if (sb->p != NULL)
        sb->p[sb->len] = '\0';
    return NJ_OK;
}

void
nj_sb_trim(struct nj_sb *sb)
{
    if (sb->len == 0)
        return;
    static const char ideo[] = "\xE3\x80\x80"; /* U+3000 IDEOGRAPHIC SPACE */
    size_t a = 0;
    for (;;) {
        if (a < sb->len && sb->p[a] == ' ')
            a++;
        else if (a + 3 <= sb->len && memcmp(sb->p + a, ideo, 3) == 0)
            a += 3;
        else
            break;
    }
    size_t b = sb->len;
    for (;;) {
        if (b > a && sb->p[b - 1] == ' ')
            b--;
        else if (b >= a + 3 && memcmp(sb->p + b - 3, ideo, 3) == 0)
            b -= 3;
        else
            break;
    }
    if (a > 0)
        memmove(sb->p, sb->p + a, b - a);
    sb->len = b - a;
    sb->p[sb->len] = '\0';
}

/* Decodes the code point starting at S (at most N bytes); 0xFFFD when malformed. */
static uint32_t
cp_at(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return s[0];
    int k = s[0] >= 0xF0 ? 3 : s[0] >= 0xE0 ? 2 : s[0] >= 0xC0 ? 1 : -1;
    if (k < 0 || (size_t)k >= n)
        return 0xFFFD;
    uint32_t cp = s[0] & (0x3F >> k);
    for (int i = 1; i <= k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0xFFFD;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    return cp;
}

/* The last code point of S[0..N). */
static uint32_t
last_cp(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = n;
    int back = 0;
    while (i > 0 && back < 4) {
        i--;
        back++;
        if ((u[i] & 0xC0) != 0x80)
            return cp_at(u + i, n - i);
    }
    return 0xFFFD;
}

int
nj_rtext_is_wide(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || /* radicals, CJK punctuation, kana, ideographs */
           (cp >= 0x2018 && cp <= 0x201F) || /* curly quotes used in CJK text */
           cp == 0x2014 || cp == 0x2026 ||   /* em dash, ellipsis */
           (cp >= 0xF900 && cp <= 0xFAFF) || /* compatibility ideographs */
           (cp >= 0xFE30 && cp <= 0xFE4F) || /* CJK compatibility forms */
           (cp >= 0xFF00 && cp <= 0xFFEF) || /* full-width forms */
           (cp >= 0x20000 && cp <= 0x3FFFF); /* supplementary ideographs */
}

int
nj_sb_join(struct nj_sb *sb, const char *piece, size_t n)
{
    if (n == 0)
        return NJ_OK;
    if (sb->len > 0) {
        uint32_t a = last_cp(sb->p, sb->len);
        uint32_t b = cp_at((const unsigned char *)piece, n);
        if (!(nj_rtext_is_wide(a) && nj_rtext_is_wide(b)) && sb->p[sb->len - 1] != ' ' &&
            piece[0] != ' ') {
            if (nj_sb_add(sb, " ", 1) != NJ_OK)
                return NJ_ENOMEM;
        }
    }
    return nj_sb_add(sb, piece, n);
}

/* The numerals of the six parts and the key words that identify each part. */
static const char *const part_numeral[6] = {"一", "二", "三", "四", "五", "六"};
static const char *const part_keys[6][3] = {
    {"总体情况", NULL, NULL},       {"主动公开", NULL, NULL}, {"收到和处理", "依申请", NULL},
    {"行政复议", "行政诉讼", NULL}, {"问题", "改进", NULL},   {"其他需要报告", "其他事项", NULL},
};

/* Length of a numeral separator at S ("、", "．", ".", "，", " ", U+3000), else 0. */
static size_t
sep_len(const char *s)
{
    static const char *const seps[] = {"、", "．", "，", "\xE3\x80\x80", ".", " "};
    for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
        size_t n = strlen(seps[i]);
        if (strncmp(s, seps[i], n) == 0)
            return n;
    }
    return 0;
}

/* Non-zero when one of part P's key words starts within the next 60 bytes of S. */
static int
keys_near(const char *s, int p)
{
    char win[64 + 16];
    size_t n = strnlen(s, 60 + 15);
    memcpy(win, s, n);
    win[n] = '\0';
    for (int k = 0; k < 3 && part_keys[p][k] != NULL; k++) {
        const char *hit = strstr(win, part_keys[p][k]);
        if (hit != NULL && hit - win <= 60)
            return 1;
    }
    return 0;
}

int
nj_rtext_part_heading(const char *text)
{
    const char *s = text;
    for (;;) {
        if (*s == ' ' || *s == '#' || *s == '*' || *s == '\t')
            s++;
        else if (strncmp(s, "\xE3\x80\x80", 3) == 0) /* ideographic space */
            s += 3;
        else
            break;
    }
    for (int p = 0; p < 6; p++) {
        size_t n = strlen(part_numeral[p]);
        if (strncmp(s, part_numeral[p], n) != 0)
            continue;
        size_t k = sep_len(s + n);
        if (k == 0)
            return 0;
        return keys_near(s + n + k, p) ? p + 1 : 0;
    }
    return 0;
}

unsigned
nj_rtext_part_mask(const char *text)
{
    unsigned mask = 0;
    for (int p = 0; p < 6; p++) {
        const char *s = text;
        size_t n = strlen(part_numeral[p]);
        while ((s = strstr(s, part_numeral[p])) != NULL) {
            s += n;
            size_t k = sep_len(s);
            if (k > 0 && strncmp(s, " ", 1) != 0 && keys_near(s + k, p)) {
                mask |= 1u << p;
                break;
            }
        }
    }
    return mask;
}

int
nj_rtext_is_title(const char *text)
{
    size_t n = strlen(text);
    if (n > 300 || nj_rtext_part_heading(text) != 0)
        return 0;
    return strstr(text, "信息公开") != NULL &&
           (strstr(text, "年度报告") != NULL || strstr(text, "工作报告") != NULL);
}
