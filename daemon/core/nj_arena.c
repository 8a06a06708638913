/*
 * nj_arena.c - bump allocator in chained chunks.
 */
#include "nj_arena.h"

#include <stdlib.h>
#include <string.h>

#define NJ_ARENA_CHUNK 16384u

struct chunk {
    struct chunk *next;
    size_t used;
    size_t size;
    _Alignas(max_align_t) unsigned char data[];
};

struct nj_arena {
    struct chunk *head;
};

struct nj_arena *
nj_arena_new(void)
{
    return calloc(1, sizeof(struct nj_arena));
}

void
nj_arena_free(struct nj_arena *a)
{
    if (a == NULL)
        return;
    struct chunk *c = a->head;
    while (c != NULL) {
        struct chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void *
nj_arena_alloc_raw(struct nj_arena *a, size_t size)
{
    const size_t align = _Alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    if (size == 0)
        size = align;
    struct chunk *c = a->head;
    if (c == NULL || c->size - c->used < size) {
        size_t csize = size > NJ_ARENA_CHUNK ? size : NJ_ARENA_CHUNK;
        c = malloc(sizeof(struct chunk) + csize);
        if (c == NULL)
            return NULL;
        c->size = csize;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    return p;
}

void *
nj_arena_alloc(struct nj_arena *a, size_t size)
{
    void *p = nj_arena_alloc_raw(a, size);
    if (p != NULL)
        memset(p, 0, size);
    return p;
}

char *
nj_arena_strndup(struct nj_arena *a, const char *s, size_t len)
{
    char *p = nj_arena_alloc_raw(a, len + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
nj_arena_strdup(struct nj_arena *a, const char *s)
{
    return nj_arena_strndup(a, s, strlen(s));
}
