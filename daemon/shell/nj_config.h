/*
 * nj_config.h - the daemon's YAML configuration (interface.md, "Config").
 *
 * libyaml events are first built into a tree of nodes that remember their position
 * (file:line:column, 1-based), then a schema pass checks every key and value.  All
 * errors are collected, one per line, as "file:line:column: key: message"; unknown keys
 * and bad values are errors.  A config either loads completely or not at all.
 */
#ifndef NJ_CONFIG_H
#define NJ_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "nj_core.h"
#include "nj_curve.h"
#include "nj_log.h"

#define NJ_CONFIG_DEFAULT_PATH "/etc/nianjian/nianjian.yaml"

/* results.formats bits */
#define NJ_FMT_JSON 1u
#define NJ_FMT_TXT 2u

struct nj_config {
    char *source; /* the file name errors refer to */

    /* watch: */
    char **paths; /* absolute (relative ones are resolved against the cwd) */
    size_t n_paths;
    int recursive;
    uint64_t settle_ms;
    uint64_t rescan_s; /* 0 = off */
    char **include;
    size_t n_include;
    char **exclude;
    size_t n_exclude;
    uint64_t max_file_mb;

    /* results: */
    unsigned formats; /* NJ_FMT_* bits; always includes NJ_FMT_JSON */

    /* publish: */
    char *endpoint;
    char *replay_endpoint;
    uint64_t heartbeat_s;   /* 0 = off */
    struct nj_curve *curve; /* publish.curve: keys and allowed subscribers; NULL = none */

    char *state_dir; /* absolute */
    unsigned workers;
    enum nj_lang lang;
    struct nj_rule_override *rules; /* ids are owned by the config */
    size_t n_rules;
    enum nj_log_level log_level;
};

/*
 * Loads and validates PATH.  Returns 0 and a new config in *OUT, or a negative errno-style
 * code; on failure *ERRORS (if ERRORS is not NULL) receives malloc'd text, one error per
 * line, each ending in '\n'.
 */
int nj_config_load(const char *path, struct nj_config **out, char **errors);

/* The same from memory; NAME is used in error positions. */
int nj_config_parse(const char *name, const char *yaml, size_t len, struct nj_config **out,
                    char **errors);

/* Non-zero when the ZeroMQ endpoint EP can only be reached from this machine (ipc://, or
 * tcp:// on 127.0.0.0/8, localhost or ::1). */
int nj_endpoint_is_local(const char *ep);

/* A config with every default (no file). */
int nj_config_default(struct nj_config **out);

void nj_config_free(struct nj_config *cfg);

#endif
