/*
 * nj_model.h - the report model shared by the modules of the core: what was read from a
 * document (metadata, the six parts, tables 二, 三 and 四 with every cell's state and
 * position) and the findings the rules produce.  Internal to nj_core.
 */
#ifndef NJ_MODEL_H
#define NJ_MODEL_H

#include "nj_arena.h"
#include "nj_core.h"
#include "nj_doc.h"

#include <stdint.h>

/* ---- cells ---------------------------------------------------------------------- */

enum nj_vstate {
    NJ_V_ABSENT = 0, /* not read: row missing, ragged or ambiguous */
    NJ_V_OK,         /* a valid number */
    NJ_V_BLANK,      /* empty or placeholder; read as 0 */
    NJ_V_BAD,        /* negative, fractional (in a count) or text */
};

struct nj_val {
    enum nj_vstate state;
    int64_t v;       /* the count (0 for BLANK) */
    double d;        /* the amount, for the 万元 cell */
    const char *raw; /* source text of the cell (arena) */
    unsigned loc;    /* line or paragraph */
    int placeholder; /* BLANK because of a placeholder such as — or / */
    int negative, fractional, unit_yuan;
};

/* Several readings of a row whose digits ran together (crawler text): every way of
 * splitting the digits into cells.  Arithmetic is only reported when it fails under all. */
#define NJ_MAX_CAND 512
struct nj_cands {
    int n;              /* number of candidate splits (0 = none) */
    int width;          /* values per candidate */
    int64_t *vals;      /* n * width values (arena) */
    const char *digits; /* the digits as they stand in the source */
    int too_many;       /* more splits than NJ_MAX_CAND: nothing can be said */
};

/* ---- table 三 ------------------------------------------------------------------- */

#define NJ_T3_ROWS 26 /* r01..r25, plus index 25 for the 2019 single （六）其他处理 row */
#define NJ_T3_R6S 25
#define NJ_T3_COLS 7

struct nj_t3row {
    int found;
    unsigned loc;
    const char *label;     /* label as written (best evidence), arena */
    int label_variant;     /* recognisable but deviates from the official wording */
    int n_values;          /* values the row carried */
    int ragged;            /* n_values differs from the header */
    int ambiguous;         /* digits run together and can be split several ways */
    struct nj_cands cands; /* for ambiguous rows */
    struct nj_val v[NJ_T3_COLS];
};

struct nj_t3 {
    int present;    /* a table 三 was found */
    unsigned loc;   /* where it starts */
    int layout2019; /* （六）其他处理 is one row */
    int col_present[NJ_T3_COLS];
    int n_cols;                   /* columns the header names */
    int header_read;              /* at least one column label was read */
    const char *group_variant[4]; /* （三）…（六） group labels worded differently */
    unsigned group_loc[4];
    struct nj_t3row r[NJ_T3_ROWS];
};

/* ---- table 四 ------------------------------------------------------------------- */

struct nj_t4 {
    int present;
    unsigned loc;
    int n_values; /* values read */
    int ok;       /* exactly 15 values mapped */
    int ambiguous;
    struct nj_cands cands;
    struct nj_val v[15];        /* a1..a5, b1..b5, c1..c5 */
    const char *header_variant; /* a header deviating from the official wording */
};

/* ---- table 二 ------------------------------------------------------------------- */

enum nj_t2row {
    NJ_T2_REG = 0,   /* 规章 */
    NJ_T2_NORM,      /* 行政规范性文件 (2019: 规范性文件) */
    NJ_T2_LICENCE,   /* 行政许可 */
    NJ_T2_OTHERMGMT, /* 其他对外管理服务事项 (2019) */
    NJ_T2_PUNISH,    /* 行政处罚 */
    NJ_T2_FORCE,     /* 行政强制 */
    NJ_T2_FEES,      /* 行政事业性收费 */
    NJ_T2_PROCURE,   /* 政府集中采购 (2019) */
    NJ_T2_NROWS
};

struct nj_t2r {
    int found;
    unsigned loc;
    const char *label;
    int label_variant;
    int n_values;
    int expected;
    int ambiguous;
    struct nj_cands cands;
    struct nj_val v[3];
    const char *seen; /* when n_values is wrong: the values as read ("2648 -18538",
                         cells joined by "、"), for the message; else NULL */
};

struct nj_t2 {
    int present;
    unsigned loc;
    int blocks_found[5];  /* 第二十条第（一）（五）（六）（八）（九）项 */
    int fmt2021, fmt2019; /* header evidence */
    const char *header_variant; /* e.g. 先行有效件数 for 现行有效件数 */
    const char *header_official;
    unsigned header_loc;
    struct nj_t2r r[NJ_T2_NROWS];
};

/* ---- parts ---------------------------------------------------------------------- */

struct nj_part {
    int found;
    int numeral;  /* the numeral written (1..6), 0 if none */
    size_t block; /* block index of the heading */
    size_t off;   /* byte offset of the heading in that block's text */
    unsigned loc;
    const char *heading; /* heading as written (arena, trimmed) */
    int heading_variant;
    const char *body; /* the part's text up to the next part (arena) */
    size_t body_len;
    size_t end_block, end_off; /* where the body ends: the next heading (block, offset) */
};

enum nj_format { NJ_FMT_UNKNOWN = 0, NJ_FMT_2021, NJ_FMT_2019, NJ_FMT_PRE2019 };

struct nj_report {
    struct nj_arena *arena;
    const struct nj_doc *doc;
    const char *all_text; /* every block's text joined with '\n' (arena) */
    const char *all_key;  /* all_text in key form (nj_keyform), for word searches */
    /* Where each block's key form starts in all_key (n_blocks + 1 entries): the key form
     * drops the '\t' and '\n' that join blocks and cells, so all_key is the blocks' key
     * forms one after another. */
    const size_t *kstart;
    const char *org; /* NULL when unknown */
    int title_found, title_variant;
    const char *title;
    int title_year, period_year, text_year, year;
    unsigned title_loc, period_loc;
    int period_stated, period_ok;
    const char *period_text;
    enum nj_format format;
    struct nj_part parts[7]; /* 1..6 */
    struct nj_t2 t2;
    struct nj_t3 t3;
    struct nj_t4 t4;
    const char *input_type; /* "txt", "md", "html", "docx" */
    const char *encoding;
};

/* ---- findings ------------------------------------------------------------------- */

struct nj_where {
    const char *table; /* "二", "三", "四" or NULL */
    const char *row;   /* row label (official) */
    const char *column;
    const char *part; /* "一".."六" */
    unsigned loc;     /* line or paragraph, 0 = none */
    const char *cell; /* the cell's text as written */
};

struct nj_finding {
    const char *rule;
    enum nj_severity sev;
    const char *message;
    struct nj_where where;
    int has_arith;
    int64_t expected, actual;
    int robust; /* for ambiguous cells: holds under every split */
};

struct nj_findings {
    struct nj_finding *v;
    size_t n, cap;
    int oom;
};

/* Reads the six parts, title, year and period (nj_report.c). */
int nj_report_read_meta(struct nj_report *rep);
/* Reads tables 二, 三 and 四 (nj_tables.c). */
int nj_report_read_tables(struct nj_report *rep);
/* Splits a digit string into WIDTH numbers every possible way (nj_tables.c). */
int nj_split_digits(const char *digits, int width, struct nj_arena *a, struct nj_cands *out);

/* Runs every rule (nj_rules.c). */
int nj_rules_run(const struct nj_report *rep, enum nj_lang lang, struct nj_findings *out);
/* Adds a finding; MESSAGE is copied.  Returns 0 or NJ_ENOMEM. */
int nj_findings_add(struct nj_findings *f, struct nj_arena *a, const char *rule,
                    enum nj_severity sev, const struct nj_where *w, const char *message);

/* The default severity of a rule, or -1 when the id is unknown (nj_rules.c). */
int nj_rule_default(const char *id);

/* Text reader: decoded UTF-8 text (txt or md) into a document (nj_textread.c). */
int nj_textread(const char *text, size_t len, struct nj_doc *doc);

#endif
