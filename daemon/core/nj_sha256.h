/*
 * nj_sha256.h - internal to the core and its tests.
 */
#ifndef NJ_SHA256_H
#define NJ_SHA256_H

/* Tests only: allow (1) or forbid (0) the SHA-NI block function; returns 1 when the
 * accelerated one is now in use (the CPU has it and it is allowed). */
int nj__sha256_accelerated(int allow);

#endif
