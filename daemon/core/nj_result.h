/*
 * nj_result.h - the result object behind the opaque struct nj_result (internal).
 */
#ifndef NJ_RESULT_H
#define NJ_RESULT_H

#include "nj_model.h"

struct nj_result {
    struct nj_arena *arena;
    struct nj_doc *doc; /* NULL when nothing could be read */
    struct nj_report rep;
    struct nj_findings f;
    enum nj_status status;
    enum nj_lang lang;
    int counts[4];
    char sha256[65];
    uint64_t size;
    char checked_at[32];
    const char *file;
    const char *input_type;
    const char *encoding;
    char *json;
    char *text;
};

/* Builds the JSON and the text block (nj_result.c). */
int nj__result_build(struct nj_result *res);

#endif
