/*
 * nj_arena.h - a bump allocator: everything for one document comes from one arena and
 * is released at once by nj_arena_free.  Allocation returns NULL when memory runs out.
 */
#ifndef NJ_ARENA_H
#define NJ_ARENA_H

#include <stddef.h>

struct nj_arena;

struct nj_arena *nj_arena_new(void);
void nj_arena_free(struct nj_arena *a);
/* Returns SIZE bytes aligned for any object, zeroed; NULL on out of memory. */
void *nj_arena_alloc(struct nj_arena *a, size_t size); /* zeroed */
/* Like nj_arena_alloc, not zeroed: for buffers the caller fills at once. */
void *nj_arena_alloc_raw(struct nj_arena *a, size_t size);
/* Copies LEN bytes of S and appends a NUL. */
char *nj_arena_strndup(struct nj_arena *a, const char *s, size_t len);
char *nj_arena_strdup(struct nj_arena *a, const char *s);

#endif
