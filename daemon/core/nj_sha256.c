/*
 * nj_sha256.c - SHA-256 (FIPS 180-4), used for the content hash in results and events.
 *
 * Two implementations of the block function: the portable one below, and on x86-64 one
 * built on the SHA extensions (SHA-NI), chosen at run time with CPUID.  Hashing the input
 * was a sixth of all the work of `nianjian check` with the portable one; with SHA-NI it is
 * about a twentieth of that.  NJ_SHA256_PORTABLE=1 in the environment forces the portable
 * one (the unit test compares both).
 */
#include "nj_core.h"
#include "nj_sha256.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NJ_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

struct sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t fill;
};

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
compress_portable(uint32_t st[8], const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
    uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + S1 + ch + K[i] + w[i];
        uint32_t S0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
    st[4] += e;
    st[5] += f;
    st[6] += g;
    st[7] += h;
}

static void
blocks_portable(uint32_t st[8], const unsigned char *p, size_t nblocks)
{
    for (size_t i = 0; i < nblocks; i++)
        compress_portable(st, p + 64 * i);
}

#ifdef NJ_SHA_NI
/*
 * The SHA-NI block function.  The instructions keep the state as two vectors, ABEF and
 * CDGH; SHA256RNDS2 does two rounds, SHA256MSG1/MSG2 compute the message schedule four
 * words at a time.  Group g (rounds 4g..4g+3) uses message vector m[g % 4].
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks_ni(uint32_t st[8], const unsigned char *p, size_t nblocks)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&st[0]); /* lanes a b c d */
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&st[4]); /* lanes e f g h */
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    for (size_t b = 0; b < nblocks; b++, p += 64) {
        __m128i save0 = abef, save1 = cdgh, m[4];
        for (int g = 0; g < 16; g++) {
            __m128i *w = &m[g & 3];
            if (g < 4)
                *w = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
            else
                *w = _mm_sha256msg2_epu32(
                    _mm_add_epi32(_mm_sha256msg1_epu32(*w, m[(g + 1) & 3]),
                                  _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4)),
                    m[(g + 3) & 3]);
            __m128i t = _mm_add_epi32(*w, _mm_loadu_si128((const __m128i *)&K[4 * g]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, t);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(t, 0x0E));
        }
        abef = _mm_add_epi32(abef, save0);
        cdgh = _mm_add_epi32(cdgh, save1);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&st[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&st[4], _mm_alignr_epi8(dchg, feba, 8));
}

static int
cpu_has_sha_ni(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & (1u << 29))) /* SHA */
        return 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    return (c & (1u << 19)) && (c & (1u << 9)); /* SSE4.1, SSSE3 */
}
#endif

typedef void blocks_fn(uint32_t st[8], const unsigned char *p, size_t nblocks);

/* NULL: not chosen yet.  Chosen once; two threads racing choose the same value. */
static _Atomic(blocks_fn *) chosen;
static atomic_int force_portable;

static blocks_fn *
blocks_impl(void)
{
    blocks_fn *f = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (f)
        return f;
    f = blocks_portable;
#ifdef NJ_SHA_NI
    const char *env = getenv("NJ_SHA256_PORTABLE");
    if (!force_portable && !(env && env[0] == '1') && cpu_has_sha_ni())
        f = blocks_ni;
#endif
    atomic_store_explicit(&chosen, f, memory_order_relaxed);
    return f;
}

int
nj__sha256_accelerated(int allow)
{
    atomic_store(&force_portable, !allow);
    atomic_store(&chosen, NULL);
    return blocks_impl() != blocks_portable;
}

static void
sha256_update(struct sha256 *s, const unsigned char *p, size_t len)
{
    blocks_fn *blocks = blocks_impl();
    s->bytes += len;
    while (len > 0) {
        if (s->fill == 0 && len >= 64) {
            blocks(s->h, p, len / 64);
            p += len / 64 * 64;
            len %= 64;
            continue;
        }
        size_t n = 64 - s->fill < len ? 64 - s->fill : len;
        memcpy(s->block + s->fill, p, n);
        s->fill += n;
        p += n;
        len -= n;
        if (s->fill == 64) {
            blocks(s->h, s->block, 1);
            s->fill = 0;
        }
    }
}

void
nj_sha256_hex(const void *buf, size_t len, char hex[65])
{
    struct sha256 s = {{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
                        0x1f83d9ab, 0x5be0cd19},
                       0,
                       {0},
                       0};
    sha256_update(&s, buf, len);
    uint64_t bits = s.bytes * 8;
    unsigned char pad[72] = {0x80};
    size_t padlen = (s.fill < 56) ? 56 - s.fill : 120 - s.fill;
    struct sha256 t = s;
    sha256_update(&t, pad, padlen);
    unsigned char lenbe[8];
    for (int i = 0; i < 8; i++)
        lenbe[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha256_update(&t, lenbe, 8);
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++) {
            unsigned v = (t.h[i] >> (24 - 8 * j)) & 0xff;
            hex[8 * i + 2 * j] = digits[v >> 4];
            hex[8 * i + 2 * j + 1] = digits[v & 15];
        }
    hex[64] = '\0';
}
