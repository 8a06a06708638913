/* nj_sha256_test.c - SHA-256 against the FIPS 180-4 example vectors. */
#include "nj_sha256.h"
#include "nj_testlib.h"

#include <stdlib.h>
#include <string.h>

START_TEST(test_vectors)
{
    char hex[65];
    nj_sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    nj_sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    nj_sha256_hex(m, strlen(m), hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *a = malloc(1000000);
    memset(a, 'a', 1000000);
    nj_sha256_hex(a, 1000000, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}
END_TEST

/* The SHA-NI and the portable block functions agree on every length around the block
 * and padding boundaries (the vectors above ran on whichever this CPU chooses). */
START_TEST(test_accelerated_matches_portable)
{
    if (!nj__sha256_accelerated(1)) {
        nj__sha256_accelerated(1);
        return; /* nothing to compare: this CPU has no SHA extensions */
    }
    unsigned char *buf = malloc(4096);
    unsigned x = 12345;
    for (int i = 0; i < 4096; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    for (size_t len = 0; len <= 4096; len += (len < 300 ? 1 : 61)) {
        char fast[65], slow[65];
        ck_assert_int_eq(nj__sha256_accelerated(1), 1);
        nj_sha256_hex(buf, len, fast);
        ck_assert_int_eq(nj__sha256_accelerated(0), 0);
        nj_sha256_hex(buf, len, slow);
        ck_assert_msg(strcmp(fast, slow) == 0, "length %zu: %s != %s", len, fast, slow);
    }
    /* and the portable one alone on the FIPS vector */
    char hex[65];
    nj_sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    nj__sha256_accelerated(1);
    free(buf);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nj_sha256");
    TCase *tc = tcase_create("sha256");
    tcase_add_test(tc, test_vectors);
    tcase_add_test(tc, test_accelerated_matches_portable);
    suite_add_tcase(s, tc);
    return nj_t_run(s);
}
