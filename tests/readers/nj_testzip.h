/*
 * nj_testzip.h - builds ZIP archives in memory with libzip, for DOCX tests.
 */
#ifndef NJ_TESTZIP_H
#define NJ_TESTZIP_H

#include <stddef.h>

struct nj_zentry {
    const char *name;
    const void *data;
    size_t len;
    int store; /* 1: stored, 0: deflated */
};

/* Builds an archive of the N entries into *OUT (malloc'd).  Returns 0 or -1. */
int nj_testzip_build(const struct nj_zentry *e, size_t n, unsigned char **out, size_t *len);

/* A minimal .docx package around DOCUMENT_XML (and STYLES_XML unless NULL). */
int nj_testzip_docx(const char *document_xml, const char *styles_xml, unsigned char **out,
                    size_t *len);

/* Sets the "encrypted" flag bit on every local and central header of ZIP. */
void nj_testzip_flag_encrypted(unsigned char *zip, size_t len);

#endif
