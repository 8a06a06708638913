/*
 * nj_doc.c - the document model (see nj_doc.h).  Blocks live in a growable array; cell
 * arrays and strings live in the document's arena.
 */
#include "nj_doc.h"
#include "nj_arena.h"
#include "nj_core.h"

#include <stdlib.h>
#include <string.h>

struct nj_doc {
    struct nj_arena *arena;
    enum nj_loc_kind loc_kind;
    struct nj_block *blocks;
    size_t n, cap;
    unsigned n_tables;
    int in_table;
    unsigned row_in_table;
    size_t cell_cap; /* capacity of the last row's cell array */
};

struct nj_doc *
nj_doc_new(enum nj_loc_kind loc_kind)
{
    struct nj_doc *d = calloc(1, sizeof(*d));
    if (d == NULL)
        return NULL;
    d->arena = nj_arena_new();
    if (d->arena == NULL) {
        free(d);
        return NULL;
    }
    d->loc_kind = loc_kind;
    return d;
}

void
nj_doc_free(struct nj_doc *d)
{
    if (d == NULL)
        return;
    nj_arena_free(d->arena);
    free(d->blocks);
    free(d);
}

static struct nj_block *
push_block(struct nj_doc *d)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        struct nj_block *b = realloc(d->blocks, cap * sizeof(*b));
        if (b == NULL)
            return NULL;
        d->blocks = b;
        d->cap = cap;
    }
    struct nj_block *b = &d->blocks[d->n++];
    memset(b, 0, sizeof(*b));
    return b;
}

int
nj_doc_add_text(struct nj_doc *d, const char *utf8, size_t len, unsigned loc, unsigned heading)
{
    d->in_table = 0;
    struct nj_block *b = push_block(d);
    if (b == NULL)
        return NJ_ENOMEM;
    b->kind = NJ_BLOCK_TEXT;
    b->loc = loc;
    b->heading = heading;
    b->text = nj_arena_strndup(d->arena, utf8, len);
    if (b->text == NULL)
        return NJ_ENOMEM;
    b->text_len = strlen(b->text); /* len, unless the input held a NUL */
    return NJ_OK;
}

int
nj_doc_begin_table(struct nj_doc *d)
{
    d->n_tables++;
    d->in_table = 1;
    d->row_in_table = 0;
    return NJ_OK;
}

int
nj_doc_end_table(struct nj_doc *d)
{
    d->in_table = 0;
    return NJ_OK;
}

int
nj_doc_add_row(struct nj_doc *d, unsigned loc)
{
    if (!d->in_table)
        nj_doc_begin_table(d);
    struct nj_block *b = push_block(d);
    if (b == NULL)
        return NJ_ENOMEM;
    b->kind = NJ_BLOCK_ROW;
    b->loc = loc;
    b->table = d->n_tables;
    b->row = ++d->row_in_table;
    d->cell_cap = 0;
    return NJ_OK;
}

int
nj_doc_add_cell(struct nj_doc *d, const char *utf8, size_t len, unsigned col, unsigned flags)
{
    if (d->n == 0 || d->blocks[d->n - 1].kind != NJ_BLOCK_ROW) {
        int rc = nj_doc_add_row(d, d->n ? d->blocks[d->n - 1].loc : 1);
        if (rc)
            return rc;
    }
    struct nj_block *b = &d->blocks[d->n - 1];
    if (b->n_cells == d->cell_cap) {
        size_t cap = d->cell_cap ? d->cell_cap * 2 : 16;
        struct nj_cell *c = nj_arena_alloc(d->arena, cap * sizeof(*c));
        if (c == NULL)
            return NJ_ENOMEM;
        if (b->n_cells)
            memcpy(c, b->cells, b->n_cells * sizeof(*c));
        b->cells = c;
        d->cell_cap = cap;
    }
    struct nj_cell *c = &b->cells[b->n_cells];
    c->text = nj_arena_strndup(d->arena, utf8, len);
    if (c->text != NULL)
        c->len = strlen(c->text);
    if (c->text == NULL)
        return NJ_ENOMEM;
    c->col = col;
    c->flags = flags;
    b->n_cells++;
    return NJ_OK;
}

size_t
nj_doc_n_blocks(const struct nj_doc *d)
{
    return d->n;
}

const struct nj_block *
nj_doc_block(const struct nj_doc *d, size_t i)
{
    return i < d->n ? &d->blocks[i] : NULL;
}

enum nj_loc_kind
nj_doc_loc_kind(const struct nj_doc *d)
{
    return d->loc_kind;
}
