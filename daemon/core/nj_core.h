/*
 * nj_core.h - the public entry point of the pure validation core.
 *
 * The core turns the bytes of one annual report (政府信息公开工作年度报告) into a
 * result: status, findings and the values read from tables 二, 三 and 四, plus the
 * nianjian.result/1 JSON of interface.md.  It does no I/O, reads no clock and keeps no
 * mutable static state, so it may be called from several threads at once.
 *
 * Readers for container formats that need outside libraries (HTML through libxml2,
 * DOCX through libzip) live outside the core and are handed in as hooks
 * (struct nj_reader_hooks); the core itself links nothing but libc.
 */
#ifndef NJ_CORE_H
#define NJ_CORE_H

#include <stddef.h>
#include <stdint.h>

#define NJ_VERSION "0.1.0"
#define NJ_RESULT_SCHEMA "nianjian.result/1"
#define NJ_EVENT_SCHEMA "nianjian.event/1"

enum nj_status { NJ_STATUS_PASS = 0, NJ_STATUS_FAIL = 1, NJ_STATUS_ERROR = 2 };

enum nj_severity { NJ_SEV_OFF = 0, NJ_SEV_INFO = 1, NJ_SEV_WARNING = 2, NJ_SEV_ERROR = 3 };

enum nj_lang { NJ_LANG_ZH = 0, NJ_LANG_EN = 1 };

/* Error codes returned by core functions (0 is success). */
enum {
    NJ_OK = 0,
    NJ_ENOMEM = -1,
    NJ_EINVAL = -2,
};

struct nj_doc;

/*
 * Hooks for readers that live outside the core.  Each fills DOC from the raw bytes and
 * returns 0, or returns non-zero and writes a reason (UTF-8, in the language asked for)
 * into ERR.  ENCODING receives the name of the source encoding ("UTF-8", "GB18030" …).
 */
typedef int (*nj_reader_fn)(const unsigned char *buf, size_t len, enum nj_lang lang,
                            struct nj_doc *doc, char *encoding, size_t encoding_size, char *err,
                            size_t err_size);

struct nj_reader_hooks {
    nj_reader_fn html; /* may be NULL: HTML is then reported unsupported */
    nj_reader_fn docx; /* may be NULL */
};

struct nj_rule_override {
    const char *id;       /* rule id, e.g. "SEC6.FEES" */
    enum nj_severity sev; /* NJ_SEV_OFF switches the rule off */
};

struct nj_options {
    enum nj_lang lang;
    const struct nj_rule_override *overrides; /* later entries win */
    size_t n_overrides;
    const char *file_name;                 /* the report's file name, for "file" in the result */
    int64_t now;                           /* seconds since the epoch, for "checked_at" */
    int tz_offset_min;                     /* local offset from UTC in minutes, for "checked_at" */
    uint64_t max_bytes;                    /* inputs larger than this are refused (0 = no limit) */
    const struct nj_reader_hooks *readers; /* may be NULL */
};

struct nj_result;

/*
 * Checks one report.  On success returns 0 and stores a new result in *OUT (owned by the
 * caller; release it with nj_result_free).  Bad input never fails the call: it gives a
 * result with status error or fail.  Returns NJ_ENOMEM when memory runs out.
 */
int nj_check(const unsigned char *buf, size_t len, const struct nj_options *opt,
             struct nj_result **out);

/*
 * A result for a file that could not be read at all (too large, unsafe, I/O error):
 * status error with one DOC.UNREADABLE finding carrying REASON.  SHA256_HEX may be NULL.
 */
int nj_result_unreadable(const char *reason, uint64_t size, const char *sha256_hex,
                         const struct nj_options *opt, struct nj_result **out);

void nj_result_free(struct nj_result *res);

enum nj_status nj_result_status(const struct nj_result *res);
/* The result JSON (one line, no trailing newline).  Borrowed: valid until nj_result_free. */
const char *nj_result_json(const struct nj_result *res);
/* Human-readable text block, as `nianjian check` prints it.  Borrowed. */
const char *nj_result_text(const struct nj_result *res);
const char *nj_result_sha256(const struct nj_result *res); /* 64 hex digits */
const char *nj_result_org(const struct nj_result *res);    /* NULL when unknown */
int nj_result_year(const struct nj_result *res);           /* 0 when unknown */
int nj_result_count(const struct nj_result *res, enum nj_severity sev);

struct nj_finding_view {
    const char *rule;
    enum nj_severity sev;
    const char *message;
    const char *where_json; /* the "where" object as JSON text */
};
size_t nj_result_n_findings(const struct nj_result *res);
int nj_result_finding(const struct nj_result *res, size_t i, struct nj_finding_view *out);

/*
 * Builds the nianjian.event/1 JSON body for RES.  Strings are UTF-8; ROOT is the watched
 * folder, REL_PATH the report's path relative to it and RESULT_REL the result file's path
 * relative to ROOT.  TIME is seconds since the epoch.  *OUT is malloc'd, owned by caller.
 */
int nj_event_json(const struct nj_result *res, const char *epoch, uint64_t seq, int64_t time,
                  int tz_offset_min, const char *root, const char *rel_path, const char *result_rel,
                  char **out);

/* The stable event id for a result: sha256 over (rel_path, content sha256, status,
 * findings), 32 hex digits.  ID must hold 33 bytes. */
void nj_event_id(const struct nj_result *res, const char *rel_path, char *id);

const char *nj_severity_name(enum nj_severity sev); /* "off","info","warning","error" */
int nj_severity_parse(const char *s, enum nj_severity *out);
const char *nj_status_name(enum nj_status st); /* "pass","fail","error" */
/* Non-zero when ID is a rule id of the catalogue. */
int nj_rule_known(const char *id);

/* SHA-256 of BUF as 64 lowercase hex digits plus NUL in HEX (65 bytes). */
void nj_sha256_hex(const void *buf, size_t len, char hex[65]);

/* Formats T (seconds since the epoch) at OFFSET_MIN as RFC 3339, e.g.
 * "2026-01-31T09:30:00+08:00".  OUT must hold 32 bytes. */
void nj_format_time(int64_t t, int offset_min, char out[32]);

#endif
