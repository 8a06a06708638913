/*
 * nj_config.c - libyaml -> positioned node tree -> schema -> struct nj_config.
 *
 * The tree keeps the 1-based line and column of every node, so each error points at the
 * offending key or value.  The schema pass never stops at the first problem: it records
 * every error and only hands out a config when there were none.
 */
#include "nj_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define MAX_CONFIG_BYTES (1u << 20)
#define MAX_DEPTH 32
#define MAX_ERRORS 100

enum node_type { N_SCALAR, N_SEQ, N_MAP };

struct node {
    enum node_type type;
    unsigned line, col;
    int plain;          /* scalar written without quotes */
    char *value;        /* scalar text */
    struct node **kids; /* seq items; map: key, value, key, value … */
    size_t n_kids;
    size_t cap;
};

struct error {
    unsigned line, col, order;
    char *text; /* one line, with its '\n' */
};

struct ctx {
    const char *name;
    struct error errs[MAX_ERRORS];
    unsigned n_err; /* may exceed MAX_ERRORS: only the first ones are kept */
    int oom;
};

static void add_error(struct ctx *c, unsigned line, unsigned col, const char *key, const char *fmt,
                      ...) NJ_PRINTF(5, 6);

static void
add_error(struct ctx *c, unsigned line, unsigned col, const char *key, const char *fmt, ...)
{
    char msg[512];
    char head[1024];
    va_list ap;

    if (c->n_err >= MAX_ERRORS) {
        c->n_err++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(head, sizeof head, "%s:%u:%u: %s: %s\n", c->name, line, col,
             key && *key ? key : "config", msg);
    char *text = strdup(head);
    if (!text) {
        c->oom = 1;
        return;
    }
    c->errs[c->n_err].line = line;
    c->errs[c->n_err].col = col;
    c->errs[c->n_err].order = c->n_err;
    c->errs[c->n_err].text = text;
    c->n_err++;
}

static int
error_cmp(const void *a, const void *b)
{
    const struct error *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* All errors in file order, one per line (malloc'd); frees the collected ones. */
static char *
join_errors(struct ctx *c)
{
    unsigned kept = c->n_err < MAX_ERRORS ? c->n_err : MAX_ERRORS;
    size_t len = 1;
    char *out, *p;

    qsort(c->errs, kept, sizeof c->errs[0], error_cmp);
    for (unsigned i = 0; i < kept; i++)
        len += strlen(c->errs[i].text);
    if (c->n_err > MAX_ERRORS)
        len += strlen(c->name) + 64;
    out = malloc(len);
    p = out;
    for (unsigned i = 0; i < kept; i++) {
        if (out) {
            size_t n = strlen(c->errs[i].text);
            memcpy(p, c->errs[i].text, n);
            p += n;
        }
        free(c->errs[i].text);
    }
    if (out) {
        *p = '\0';
        if (c->n_err > MAX_ERRORS)
            snprintf(p, len - (size_t)(p - out), "%s:1:1: config: %u more errors not shown\n",
                     c->name, c->n_err - MAX_ERRORS);
    }
    c->n_err = 0;
    return out;
}

/* ---- tree ------------------------------------------------------------------------- */

static void
node_free(struct node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->value);
    free(n);
}

static struct node *
node_new(enum node_type type, const yaml_mark_t *mark)
{
    struct node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->type = type;
    n->line = (unsigned)mark->line + 1;
    n->col = (unsigned)mark->column + 1;
    return n;
}

static int
node_add(struct node *parent, struct node *kid)
{
    if (parent->n_kids == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 8;
        struct node **k = realloc(parent->kids, cap * sizeof *k);
        if (!k)
            return -1;
        parent->kids = k;
        parent->cap = cap;
    }
    parent->kids[parent->n_kids++] = kid;
    return 0;
}

/*
 * Builds the tree of one document.  Returns the root (NULL for an empty document) and
 * sets *FAILED on a syntax error, an alias, or too deep nesting (all reported in C).
 */
static struct node *
build_tree(struct ctx *c, const char *yaml, size_t len, int *failed)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    struct node *stack[MAX_DEPTH + 1];
    size_t depth = 0;
    struct node *root = NULL;
    int docs = 0, done = 0;

    *failed = 0;
    if (!yaml_parser_initialize(&parser)) {
        c->oom = 1;
        *failed = 1;
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);

    while (!done) {
        if (!yaml_parser_parse(&parser, &ev)) {
            const char *problem = parser.problem ? parser.problem : "invalid YAML";
            yaml_mark_t m = parser.problem_mark;
            if (parser.context)
                add_error(c, (unsigned)m.line + 1, (unsigned)m.column + 1, "yaml", "%s %s",
                          parser.context, problem);
            else
                add_error(c, (unsigned)m.line + 1, (unsigned)m.column + 1, "yaml", "%s", problem);
            *failed = 1;
            break;
        }
        struct node *n = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                add_error(c, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
                          "yaml", "only one YAML document is allowed");
                *failed = 1;
                done = 1;
            }
            break;
        case YAML_ALIAS_EVENT:
            add_error(c, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
                      "yaml", "aliases are not supported");
            *failed = 1;
            done = 1;
            break;
        case YAML_SCALAR_EVENT:
            n = node_new(N_SCALAR, &ev.start_mark);
            if (n) {
                n->value = malloc(ev.data.scalar.length + 1);
                if (n->value) {
                    memcpy(n->value, ev.data.scalar.value, ev.data.scalar.length);
                    n->value[ev.data.scalar.length] = '\0';
                    /* An embedded NUL would silently cut the value. */
                    if (strlen(n->value) != ev.data.scalar.length) {
                        add_error(c, n->line, n->col, "yaml", "NUL character in value");
                        *failed = 1;
                        done = 1;
                    }
                }
                n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            }
            break;
        case YAML_SEQUENCE_START_EVENT:
            n = node_new(N_SEQ, &ev.start_mark);
            break;
        case YAML_MAPPING_START_EVENT:
            n = node_new(N_MAP, &ev.start_mark);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0)
                depth--;
            break;
        default:
            break;
        }
        if (ev.type == YAML_SCALAR_EVENT || ev.type == YAML_SEQUENCE_START_EVENT ||
            ev.type == YAML_MAPPING_START_EVENT) {
            if (!n || (n->type == N_SCALAR && !n->value)) {
                node_free(n);
                c->oom = 1;
                *failed = 1;
                done = 1;
            } else if (depth == 0) {
                node_free(root);
                root = n;
            } else if (node_add(stack[depth - 1], n) < 0) {
                node_free(n);
                c->oom = 1;
                *failed = 1;
                done = 1;
            }
            if (!*failed && n->type != N_SCALAR) {
                if (depth >= MAX_DEPTH) {
                    add_error(c, n->line, n->col, "yaml", "nesting is too deep");
                    *failed = 1;
                    done = 1;
                } else {
                    stack[depth++] = n;
                }
            }
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (*failed) {
        node_free(root);
        return NULL;
    }
    return root;
}

/* ---- schema ------------------------------------------------------------------------ */

static const char *
type_name(const struct node *n)
{
    switch (n->type) {
    case N_MAP:
        return "a mapping";
    case N_SEQ:
        return "a list";
    default:
        return "a value";
    }
}

static int
is_null(const struct node *n)
{
    return n->type == N_SCALAR && n->plain &&
           (!*n->value || strcmp(n->value, "~") == 0 || strcasecmp(n->value, "null") == 0);
}

static char *
xstrdup(struct ctx *c, const char *s)
{
    char *p = strdup(s);
    if (!p)
        c->oom = 1;
    return p;
}

static int
get_string(struct ctx *c, const struct node *n, const char *key, char **out)
{
    if (n->type != N_SCALAR || is_null(n) || !*n->value) {
        add_error(c, n->line, n->col, key, "expected a non-empty string, found %s",
                  n->type == N_SCALAR ? "nothing" : type_name(n));
        return -1;
    }
    char *p = xstrdup(c, n->value);
    if (!p)
        return -1;
    free(*out);
    *out = p;
    return 0;
}

static int
get_uint(struct ctx *c, const struct node *n, const char *key, uint64_t min, uint64_t max,
         uint64_t *out)
{
    const char *s = n->value;
    uint64_t v = 0;
    int ok = n->type == N_SCALAR && n->plain && s && *s;

    for (const char *p = s; ok && *p; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10) {
            ok = 0;
            break;
        }
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (!ok || v < min || v > max) {
        add_error(c, n->line, n->col, key, "expected an integer from %llu to %llu",
                  (unsigned long long)min, (unsigned long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

static int
get_bool(struct ctx *c, const struct node *n, const char *key, int *out)
{
    static const char *yes[] = {"true", "yes", "on"};
    static const char *no[] = {"false", "no", "off"};
    if (n->type == N_SCALAR && n->plain) {
        for (size_t i = 0; i < 3; i++) {
            if (strcasecmp(n->value, yes[i]) == 0) {
                *out = 1;
                return 0;
            }
            if (strcasecmp(n->value, no[i]) == 0) {
                *out = 0;
                return 0;
            }
        }
    }
    add_error(c, n->line, n->col, key, "expected true or false");
    return -1;
}

static void
free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int
get_strv(struct ctx *c, const struct node *n, const char *key, int nonempty, char ***out,
         size_t *n_out)
{
    char item[160];

    if (n->type != N_SEQ) {
        add_error(c, n->line, n->col, key, "expected a list, found %s", type_name(n));
        return -1;
    }
    if (nonempty && n->n_kids == 0) {
        add_error(c, n->line, n->col, key, "expected at least one entry");
        return -1;
    }
    char **v = calloc(n->n_kids + 1, sizeof *v);
    if (!v) {
        c->oom = 1;
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < n->n_kids; i++) {
        snprintf(item, sizeof item, "%s[%zu]", key, i);
        if (get_string(c, n->kids[i], item, &v[i]) < 0)
            bad = 1;
    }
    if (bad) {
        free_strv(v, n->n_kids);
        return -1;
    }
    free_strv(*out, *n_out);
    *out = v;
    *n_out = n->n_kids;
    return 0;
}

static int
resolve_path(struct ctx *c, char **p)
{
    char cwd[4096];
    if (!*p || (*p)[0] == '/')
        return 0;
    if (!getcwd(cwd, sizeof cwd)) {
        c->oom = 1;
        return -1;
    }
    const char *rel = *p;
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    size_t n = strlen(cwd) + strlen(rel) + 2;
    char *abs = malloc(n);
    if (!abs) {
        c->oom = 1;
        return -1;
    }
    if (strcmp(rel, ".") == 0 || !*rel)
        snprintf(abs, n, "%s", cwd);
    else
        snprintf(abs, n, "%s/%s", cwd, rel);
    /* Drop trailing slashes so relative paths of reports are computed cleanly. */
    size_t l = strlen(abs);
    while (l > 1 && abs[l - 1] == '/')
        abs[--l] = '\0';
    free(*p);
    *p = abs;
    return 0;
}

static int
check_endpoint(struct ctx *c, const struct node *n, const char *key)
{
    if (n->type == N_SCALAR &&
        (strncmp(n->value, "tcp://", 6) == 0 || strncmp(n->value, "ipc://", 6) == 0) &&
        strlen(n->value) > 6)
        return 0;
    add_error(c, n->line, n->col, key,
              "expected a ZeroMQ endpoint (tcp://HOST:PORT or ipc://PATH)");
    return -1;
}

/* Checks that N is a mapping and reports duplicate keys; returns -1 if not a mapping. */
static int
expect_map(struct ctx *c, const struct node *n, const char *key)
{
    if (n->type != N_MAP) {
        add_error(c, n->line, n->col, key, "expected a mapping, found %s", type_name(n));
        return -1;
    }
    for (size_t i = 0; i + 1 < n->n_kids; i += 2) {
        const struct node *k = n->kids[i];
        if (k->type != N_SCALAR)
            continue;
        for (size_t j = 0; j < i; j += 2) {
            const struct node *e = n->kids[j];
            if (e->type == N_SCALAR && strcmp(e->value, k->value) == 0) {
                char full[256];
                snprintf(full, sizeof full, "%s%s%s", key ? key : "", key && *key ? "." : "",
                         k->value);
                add_error(c, k->line, k->col, full, "duplicate key (first at line %u)", e->line);
                break;
            }
        }
    }
    return 0;
}

static void
schema_watch(struct ctx *c, const struct node *m, struct nj_config *cfg)
{
    if (expect_map(c, m, "watch") < 0)
        return;
    for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
        const struct node *k = m->kids[i], *v = m->kids[i + 1];
        char key[256];
        if (k->type != N_SCALAR) {
            add_error(c, k->line, k->col, "watch", "keys must be plain strings");
            continue;
        }
        snprintf(key, sizeof key, "watch.%s", k->value);
        if (strcmp(k->value, "paths") == 0) {
            if (get_strv(c, v, key, 1, &cfg->paths, &cfg->n_paths) == 0)
                for (size_t j = 0; j < cfg->n_paths; j++)
                    resolve_path(c, &cfg->paths[j]);
        } else if (strcmp(k->value, "recursive") == 0) {
            get_bool(c, v, key, &cfg->recursive);
        } else if (strcmp(k->value, "settle_ms") == 0) {
            get_uint(c, v, key, 0, 3600000, &cfg->settle_ms);
        } else if (strcmp(k->value, "rescan_s") == 0) {
            get_uint(c, v, key, 0, 604800, &cfg->rescan_s);
        } else if (strcmp(k->value, "include") == 0) {
            get_strv(c, v, key, 1, &cfg->include, &cfg->n_include);
        } else if (strcmp(k->value, "exclude") == 0) {
            get_strv(c, v, key, 0, &cfg->exclude, &cfg->n_exclude);
        } else if (strcmp(k->value, "max_file_mb") == 0) {
            get_uint(c, v, key, 1, 4096, &cfg->max_file_mb);
        } else {
            add_error(c, k->line, k->col, key, "unknown key");
        }
    }
}

static void
schema_results(struct ctx *c, const struct node *m, struct nj_config *cfg)
{
    if (expect_map(c, m, "results") < 0)
        return;
    for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
        const struct node *k = m->kids[i], *v = m->kids[i + 1];
        char key[256];
        if (k->type != N_SCALAR) {
            add_error(c, k->line, k->col, "results", "keys must be plain strings");
            continue;
        }
        snprintf(key, sizeof key, "results.%s", k->value);
        if (strcmp(k->value, "formats") != 0) {
            add_error(c, k->line, k->col, key, "unknown key");
            continue;
        }
        if (v->type != N_SEQ) {
            add_error(c, v->line, v->col, key, "expected a list, found %s", type_name(v));
            continue;
        }
        unsigned f = 0;
        int bad = 0;
        for (size_t j = 0; j < v->n_kids; j++) {
            const struct node *e = v->kids[j];
            char ik[280];
            snprintf(ik, sizeof ik, "%s[%zu]", key, j);
            if (e->type == N_SCALAR && strcmp(e->value, "json") == 0) {
                f |= NJ_FMT_JSON;
            } else if (e->type == N_SCALAR && strcmp(e->value, "txt") == 0) {
                f |= NJ_FMT_TXT;
            } else if (e->type == N_SCALAR && strcmp(e->value, "html") == 0) {
                add_error(c, e->line, e->col, ik, "html is not available yet (use json, txt)");
                bad = 1;
            } else {
                add_error(c, e->line, e->col, ik, "expected json or txt");
                bad = 1;
            }
        }
        if (bad)
            continue;
        if (!(f & NJ_FMT_JSON)) {
            add_error(c, v->line, v->col, key,
                      "must include json (it records which content was checked)");
            continue;
        }
        cfg->formats = f;
    }
}

int
nj_endpoint_is_local(const char *ep)
{
    if (strncmp(ep, "ipc://", 6) == 0)
        return 1;
    if (strncmp(ep, "tcp://", 6) != 0)
        return 0;
    const char *host = ep + 6, *colon = strrchr(host, ':');
    if (!colon || strchr(host, ';')) /* no port, or a source address: not simple */
        return 0;
    size_t n = (size_t)(colon - host);
    if (n > 4 && strncmp(host, "127.", 4) == 0) {
        for (size_t i = 4; i < n; i++)
            if ((host[i] < '0' || host[i] > '9') && host[i] != '.')
                return 0;
        return 1;
    }
    return (n == 9 && strncmp(host, "localhost", 9) == 0) ||
           (n == 5 && strncmp(host, "[::1]", 5) == 0);
}

/* publish.curve: the server's secret key file and the subscribers let in. */
static void
schema_curve(struct ctx *c, const struct node *m, struct nj_config *cfg)
{
    char err[600];
    int have_key = 0, have_list = 0;

    if (expect_map(c, m, "publish.curve") < 0)
        return;
    nj_curve_free(cfg->curve);
    cfg->curve = calloc(1, sizeof *cfg->curve);
    if (!cfg->curve) {
        c->oom = 1;
        return;
    }
    for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
        const struct node *k = m->kids[i], *v = m->kids[i + 1];
        char key[256];
        if (k->type != N_SCALAR) {
            add_error(c, k->line, k->col, "publish.curve", "keys must be plain strings");
            continue;
        }
        snprintf(key, sizeof key, "publish.curve.%s", k->value);
        if (strcmp(k->value, "secret_key_file") == 0) {
            char *path = NULL;
            have_key = 1;
            if (get_string(c, v, key, &path) < 0 || resolve_path(c, &path) < 0) {
                free(path);
                continue;
            }
            if (nj_curve_read_key_file(path, 1, cfg->curve->public_key, cfg->curve->secret_key, err,
                                       sizeof err) < 0)
                add_error(c, v->line, v->col, key, "%s", err);
            free(path);
        } else if (strcmp(k->value, "allowed_clients") == 0) {
            have_list = 1;
            if (v->type != N_SEQ) {
                add_error(c, v->line, v->col, key, "expected a list, found %s", type_name(v));
                continue;
            }
            for (size_t j = 0; j < v->n_kids; j++) {
                const struct node *e = v->kids[j];
                char ik[280];
                snprintf(ik, sizeof ik, "%s[%zu]", key, j);
                if (e->type != N_SCALAR || !nj_curve_key_valid(e->value))
                    add_error(c, e->line, e->col, ik,
                              "expected a client's public key (Z85, 40 characters)");
                else if (nj_curve_add_client(cfg->curve, e->value) < 0)
                    c->oom = 1;
            }
        } else if (strcmp(k->value, "allowed_clients_dir") == 0) {
            char *path = NULL;
            have_list = 1;
            if (get_string(c, v, key, &path) < 0 || resolve_path(c, &path) < 0) {
                free(path);
                continue;
            }
            if (nj_curve_add_clients_dir(cfg->curve, path, err, sizeof err) < 0)
                add_error(c, v->line, v->col, key, "%s", err);
            free(path);
        } else {
            add_error(c, k->line, k->col, key, "unknown key");
        }
    }
    if (!have_key)
        add_error(c, m->line, m->col, "publish.curve", "secret_key_file is required");
    if (!have_list)
        add_error(c, m->line, m->col, "publish.curve",
                  "allowed_clients or allowed_clients_dir is required (no subscriber could "
                  "connect otherwise)");
}

static void
schema_publish(struct ctx *c, const struct node *m, struct nj_config *cfg)
{
    const struct node *ep_node = NULL, *rp_node = NULL;

    if (expect_map(c, m, "publish") < 0)
        return;
    for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
        const struct node *k = m->kids[i], *v = m->kids[i + 1];
        char key[256];
        if (k->type != N_SCALAR) {
            add_error(c, k->line, k->col, "publish", "keys must be plain strings");
            continue;
        }
        snprintf(key, sizeof key, "publish.%s", k->value);
        if (strcmp(k->value, "endpoint") == 0) {
            if (check_endpoint(c, v, key) == 0 && get_string(c, v, key, &cfg->endpoint) == 0)
                ep_node = v;
        } else if (strcmp(k->value, "replay_endpoint") == 0) {
            if (check_endpoint(c, v, key) == 0 && get_string(c, v, key, &cfg->replay_endpoint) == 0)
                rp_node = v;
        } else if (strcmp(k->value, "heartbeat_s") == 0) {
            get_uint(c, v, key, 0, 3600, &cfg->heartbeat_s);
        } else if (strcmp(k->value, "curve") == 0) {
            schema_curve(c, v, cfg);
        } else {
            add_error(c, k->line, k->col, key, "unknown key");
        }
    }
    if (cfg->endpoint && cfg->replay_endpoint && strcmp(cfg->endpoint, cfg->replay_endpoint) == 0)
        add_error(c, m->line, m->col, "publish.replay_endpoint",
                  "must differ from publish.endpoint");
    /* Events name files and findings: off this machine only with CURVE (opt-in). */
    const struct node *nodes[2] = {ep_node, rp_node};
    const char *keys[2] = {"publish.endpoint", "publish.replay_endpoint"};
    for (int i = 0; i < 2 && !cfg->curve; i++)
        if (nodes[i] && !nj_endpoint_is_local(nodes[i]->value))
            add_error(c, nodes[i]->line, nodes[i]->col, keys[i],
                      "%s can be reached from other machines: configure publish.curve "
                      "(encryption and a list of allowed subscribers) or bind to 127.0.0.1",
                      nodes[i]->value);
}

static void
schema_rules(struct ctx *c, const struct node *m, struct nj_config *cfg)
{
    if (expect_map(c, m, "rules") < 0)
        return;
    /* A duplicated "rules:" key (already reported) must not leak the first list. */
    for (size_t i = 0; i < cfg->n_rules; i++)
        free((char *)cfg->rules[i].id);
    free(cfg->rules);
    cfg->rules = NULL;
    cfg->n_rules = 0;
    size_t n = m->n_kids / 2;
    struct nj_rule_override *r = calloc(n + 1, sizeof *r);
    if (!r) {
        c->oom = 1;
        return;
    }
    size_t got = 0;
    for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
        const struct node *k = m->kids[i], *v = m->kids[i + 1];
        char key[256];
        if (k->type != N_SCALAR) {
            add_error(c, k->line, k->col, "rules", "keys must be rule ids");
            continue;
        }
        snprintf(key, sizeof key, "rules.%s", k->value);
        if (!nj_rule_known(k->value)) {
            add_error(c, k->line, k->col, key, "unknown rule");
            continue;
        }
        enum nj_severity sev;
        if (v->type != N_SCALAR || nj_severity_parse(v->value, &sev) != 0) {
            add_error(c, v->line, v->col, key, "expected off, info, warning or error");
            continue;
        }
        char *id = xstrdup(c, k->value);
        if (!id)
            continue;
        r[got].id = id;
        r[got].sev = sev;
        got++;
    }
    cfg->rules = r;
    cfg->n_rules = got;
}

static void
schema_log(struct ctx *c, const struct node *m, struct nj_config *cfg)
{
    if (expect_map(c, m, "log") < 0)
        return;
    for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
        const struct node *k = m->kids[i], *v = m->kids[i + 1];
        char key[256];
        if (k->type != N_SCALAR) {
            add_error(c, k->line, k->col, "log", "keys must be plain strings");
            continue;
        }
        snprintf(key, sizeof key, "log.%s", k->value);
        if (strcmp(k->value, "level") != 0) {
            add_error(c, k->line, k->col, key, "unknown key");
            continue;
        }
        if (v->type != N_SCALAR || nj_log_level_parse(v->value, &cfg->log_level) != 0)
            add_error(c, v->line, v->col, key, "expected debug, info, warning or error");
    }
}

static void
schema_top(struct ctx *c, const struct node *root, struct nj_config *cfg)
{
    if (expect_map(c, root, "") < 0)
        return;
    for (size_t i = 0; i + 1 < root->n_kids; i += 2) {
        const struct node *k = root->kids[i], *v = root->kids[i + 1];
        if (k->type != N_SCALAR) {
            add_error(c, k->line, k->col, "config", "keys must be plain strings");
            continue;
        }
        const char *key = k->value;
        if (strcmp(key, "watch") == 0) {
            schema_watch(c, v, cfg);
        } else if (strcmp(key, "results") == 0) {
            schema_results(c, v, cfg);
        } else if (strcmp(key, "publish") == 0) {
            schema_publish(c, v, cfg);
        } else if (strcmp(key, "rules") == 0) {
            if (!is_null(v))
                schema_rules(c, v, cfg);
        } else if (strcmp(key, "log") == 0) {
            schema_log(c, v, cfg);
        } else if (strcmp(key, "state_dir") == 0) {
            if (get_string(c, v, key, &cfg->state_dir) == 0)
                resolve_path(c, &cfg->state_dir);
        } else if (strcmp(key, "workers") == 0) {
            uint64_t w;
            if (get_uint(c, v, key, 1, 64, &w) == 0)
                cfg->workers = (unsigned)w;
        } else if (strcmp(key, "lang") == 0) {
            if (v->type == N_SCALAR && strcmp(v->value, "zh") == 0)
                cfg->lang = NJ_LANG_ZH;
            else if (v->type == N_SCALAR && strcmp(v->value, "en") == 0)
                cfg->lang = NJ_LANG_EN;
            else
                add_error(c, v->line, v->col, key, "expected zh or en");
        } else {
            add_error(c, k->line, k->col, key, "unknown key");
        }
    }
}

/* ---- defaults and entry points ---------------------------------------------------- */

static char **
strv_new(const char *const *src, size_t n)
{
    char **v = calloc(n + 1, sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        v[i] = strdup(src[i]);
        if (!v[i]) {
            free_strv(v, i);
            return NULL;
        }
    }
    return v;
}

static const char *const default_paths[] = {"/srv/nianjian/drop"};
static const char *const default_include[] = {"*.txt", "*.md", "*.html", "*.htm", "*.docx"};
static const char *const default_exclude[] = {"~$*", ".~lock.*", "*.tmp", ".*"};

int
nj_config_default(struct nj_config **out)
{
    struct nj_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return -ENOMEM;
    cfg->recursive = 1;
    cfg->settle_ms = 1000;
    cfg->rescan_s = 300;
    cfg->max_file_mb = 50;
    cfg->formats = NJ_FMT_JSON | NJ_FMT_TXT;
    cfg->heartbeat_s = 10;
    cfg->workers = 2;
    cfg->lang = NJ_LANG_ZH;
    cfg->log_level = NJ_LOG_INFO;
    cfg->paths = strv_new(default_paths, 1);
    cfg->n_paths = 1;
    cfg->include = strv_new(default_include, 5);
    cfg->n_include = 5;
    cfg->exclude = strv_new(default_exclude, 4);
    cfg->n_exclude = 4;
    cfg->endpoint = strdup("tcp://127.0.0.1:5680");
    cfg->replay_endpoint = strdup("tcp://127.0.0.1:5681");
    cfg->state_dir = strdup("/var/lib/nianjian");
    cfg->source = strdup("(defaults)");
    if (!cfg->paths || !cfg->include || !cfg->exclude || !cfg->endpoint || !cfg->replay_endpoint ||
        !cfg->state_dir || !cfg->source) {
        nj_config_free(cfg);
        return -ENOMEM;
    }
    *out = cfg;
    return 0;
}

void
nj_config_free(struct nj_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->source);
    free_strv(cfg->paths, cfg->n_paths);
    free_strv(cfg->include, cfg->n_include);
    free_strv(cfg->exclude, cfg->n_exclude);
    free(cfg->endpoint);
    free(cfg->replay_endpoint);
    nj_curve_free(cfg->curve);
    free(cfg->state_dir);
    for (size_t i = 0; i < cfg->n_rules; i++)
        free((char *)cfg->rules[i].id);
    free(cfg->rules);
    free(cfg);
}

static int
finish(struct ctx *c, struct nj_config *cfg, struct nj_config **out, char **errors)
{
    if (c->oom && c->n_err == 0)
        add_error(c, 1, 1, "config", "out of memory");
    if (c->n_err > 0 || c->oom) {
        int ret = c->oom ? -ENOMEM : -EINVAL;
        char *text = join_errors(c);
        nj_config_free(cfg);
        if (errors)
            *errors = text ? text : strdup("config: out of memory\n");
        else
            free(text);
        return ret;
    }
    if (errors)
        *errors = NULL;
    *out = cfg;
    return 0;
}

int
nj_config_parse(const char *name, const char *yaml, size_t len, struct nj_config **out,
                char **errors)
{
    struct ctx c = {.name = name ? name : "(config)"};
    struct nj_config *cfg = NULL;
    int failed;

    *out = NULL;
    if (errors)
        *errors = NULL;
    if (nj_config_default(&cfg) < 0) {
        c.oom = 1;
        return finish(&c, NULL, out, errors);
    }
    free(cfg->source);
    cfg->source = strdup(c.name);
    if (!cfg->source)
        c.oom = 1;
    /* Defaults for paths are absolute already; only relative ones need the cwd. */
    if (len > MAX_CONFIG_BYTES) {
        add_error(&c, 1, 1, "config", "file is larger than %u bytes", MAX_CONFIG_BYTES);
        return finish(&c, cfg, out, errors);
    }
    struct node *root = build_tree(&c, yaml, len, &failed);
    if (!failed && root && !is_null(root))
        schema_top(&c, root, cfg);
    node_free(root);
    return finish(&c, cfg, out, errors);
}

int
nj_config_load(const char *path, struct nj_config **out, char **errors)
{
    struct ctx c = {.name = path};
    char *buf = NULL;
    size_t len = 0;
    int fd;

    *out = NULL;
    if (errors)
        *errors = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        add_error(&c, 1, 1, "config", "cannot open: %s", strerror(errno));
        return finish(&c, NULL, out, errors);
    }
    buf = malloc(MAX_CONFIG_BYTES + 1);
    if (!buf) {
        close(fd);
        c.oom = 1;
        return finish(&c, NULL, out, errors);
    }
    for (;;) {
        ssize_t r = read(fd, buf + len, MAX_CONFIG_BYTES + 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            add_error(&c, 1, 1, "config", "cannot read: %s", strerror(errno));
            close(fd);
            free(buf);
            return finish(&c, NULL, out, errors);
        }
        if (r == 0 || len + (size_t)r > MAX_CONFIG_BYTES) {
            len += (size_t)r;
            break;
        }
        len += (size_t)r;
    }
    close(fd);
    int ret = nj_config_parse(path, buf, len, out, errors);
    free(buf);
    return ret;
}
