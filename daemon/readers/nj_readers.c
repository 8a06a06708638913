/*
 * nj_readers.c - the reader hooks handed to nj_check().
 */
#include "nj_readers.h"
#include "nj_hscan.h"

#include <libxml/parser.h>

static const struct nj_reader_hooks hooks = {
    .html = nj_html_read,
    .docx = nj_docx_read,
};

const struct nj_reader_hooks *
nj_readers_hooks(void)
{
    xmlInitParser();
    return &hooks;
}

void
nj_readers_init(void)
{
    xmlInitParser();
    nj_hscan_init();
}
