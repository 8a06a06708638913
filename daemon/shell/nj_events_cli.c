/*
 * nj_events_cli.c - `nianjian events`: replay from the journal, then follow live events.
 *
 * Order matters (zguide "Clone"): subscribe first, then ask the replay endpoint for
 * everything since SEQ, then print live events, dropping any with seq <= the last one
 * printed.  A jump in seq (seen on an event or a heartbeat) is reported on stderr and
 * filled from the replay endpoint when it can be.
 */
#include "nj_cli_shell.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "nj_config.h"
#include "nj_curve.h"
#include "nj_json.h"
#include "nj_publisher.h"

#define REPLY_TIMEOUT_MS 3000

struct ev_state {
    void *ctx, *sub, *dealer;
    const char *topic_prefix;
    uint64_t last;
    int have_last;
    long count, printed;
};

static int64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
wants(const struct ev_state *s, const char *topic)
{
    if (s->topic_prefix)
        return strncmp(topic, s->topic_prefix, strlen(s->topic_prefix)) == 0;
    return strncmp(topic, "nianjian.v1.report.", 19) == 0;
}

/* Receives a two-frame message into TOPIC / *BODY (malloc'd).  Returns 0, or -1. */
static int
recv_msg(void *sock, char *topic, size_t tsize, char **body, size_t *blen)
{
    zmq_msg_t m;
    int more = 0;
    size_t sz = sizeof more;

    int n = zmq_recv(sock, topic, tsize - 1, 0);
    if (n < 0)
        return -1;
    topic[(size_t)n < tsize - 1 ? (size_t)n : tsize - 1] = '\0';
    zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
    if (!more) {
        *body = NULL;
        return -1;
    }
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, sock, 0) < 0) {
        zmq_msg_close(&m);
        return -1;
    }
    *blen = zmq_msg_size(&m);
    *body = malloc(*blen + 1);
    if (*body) {
        memcpy(*body, zmq_msg_data(&m), *blen);
        (*body)[*blen] = '\0';
    }
    /* Discard unexpected extra frames. */
    sz = sizeof more;
    zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
    while (more) {
        zmq_msg_t x;
        zmq_msg_init(&x);
        zmq_msg_recv(&x, sock, 0);
        zmq_msg_close(&x);
        sz = sizeof more;
        zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
    }
    zmq_msg_close(&m);
    return *body ? 0 : -1;
}

static void
emit(struct ev_state *s, const char *topic, const char *body, size_t blen, uint64_t seq)
{
    s->last = seq;
    s->have_last = 1;
    if (!wants(s, topic))
        return;
    fwrite(body, 1, blen, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    s->printed++;
}

static int
done(const struct ev_state *s)
{
    return s->count > 0 && s->printed >= s->count;
}

/* Replays events with seq >= SINCE.  Returns 0, or -1 when the endpoint did not answer. */
static int
replay(struct ev_state *s, uint64_t since)
{
    char req[48], topic[128];
    for (int rounds = 0; rounds < 100000 && !done(s); rounds++) {
        snprintf(req, sizeof req, "SINCE %" PRIu64, since);
        if (zmq_send(s->dealer, req, strlen(req), 0) < 0)
            return -1;
        for (;;) {
            zmq_pollitem_t it = {s->dealer, 0, ZMQ_POLLIN, 0};
            if (zmq_poll(&it, 1, REPLY_TIMEOUT_MS) <= 0) {
                fprintf(stderr, "nianjian events: replay endpoint did not answer\n");
                return -1;
            }
            char *body;
            size_t blen;
            if (recv_msg(s->dealer, topic, sizeof topic, &body, &blen) < 0)
                return -1;
            if (strcmp(topic, NJ_TOPIC_REPLAY_END) == 0) {
                uint64_t next = since;
                const char *v;
                size_t vl;
                int more = nj_json_find(body, blen, "more", &v, &vl) == 0 && vl == 4 &&
                           memcmp(v, "true", 4) == 0;
                nj_json_get_u64(body, blen, "next", &next);
                if (nj_json_find(body, blen, "error", &v, &vl) == 0)
                    fprintf(stderr, "nianjian events: replay error: %.*s\n", (int)vl, v);
                free(body);
                if (!more || next <= since)
                    return 0;
                since = next;
                break;
            }
            uint64_t seq;
            if (nj_json_get_u64(body, blen, "seq", &seq) == 0 && (!s->have_last || seq > s->last))
                emit(s, topic, body, blen, seq);
            free(body);
            if (done(s))
                return 0;
        }
    }
    return 0;
}

static void
handle_live(struct ev_state *s, const char *topic, const char *body, size_t blen)
{
    uint64_t seq;
    if (nj_json_get_u64(body, blen, "seq", &seq) < 0)
        return;
    int heartbeat = strcmp(topic, NJ_TOPIC_HEARTBEAT) == 0;
    if (heartbeat) {
        if (s->have_last && seq > s->last) {
            fprintf(stderr, "nianjian events: gap: missed seq %" PRIu64 "..%" PRIu64 "\n",
                    s->last + 1, seq);
            if (s->dealer)
                replay(s, s->last + 1);
        }
        if (!s->have_last) {
            s->last = seq;
            s->have_last = 1;
        }
        if (s->topic_prefix && wants(s, topic)) {
            fwrite(body, 1, blen, stdout);
            fputc('\n', stdout);
            fflush(stdout);
        }
        return;
    }
    if (s->have_last && seq <= s->last)
        return; /* already printed (replay and live overlap) */
    if (s->have_last && seq > s->last + 1) {
        fprintf(stderr, "nianjian events: gap: missed seq %" PRIu64 "..%" PRIu64 "\n", s->last + 1,
                seq - 1);
        if (s->dealer)
            replay(s, s->last + 1);
        if (s->have_last && seq <= s->last)
            return;
    }
    emit(s, topic, body, blen, seq);
}

/* CURVE client options for SOCK.  Returns 0 or -1. */
static int
make_curve_client(void *sock, const char *server_pub, const char *pub, const char *sec)
{
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server_pub, NJ_Z85_KEY_LEN + 1) < 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, pub, NJ_Z85_KEY_LEN + 1) < 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, sec, NJ_Z85_KEY_LEN + 1) < 0) {
        fprintf(stderr, "nianjian events: cannot use CURVE: %s\n", zmq_strerror(errno));
        return -1;
    }
    return 0;
}

static int
parse_num(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static void
usage(void)
{
    fprintf(stderr,
            "usage: nianjian events [--config FILE] [--endpoint EP] [--replay-endpoint EP]\n"
            "                       [--since SEQ] [--topic PREFIX] [--count N] "
            "[--timeout-ms N]\n"
            "                       [--server-key FILE|KEY --client-key FILE]\n"
            "  --server-key  the daemon's CURVE public key (a .pub file or the Z85 key)\n"
            "  --client-key  this subscriber's CURVE key pair (a .key file, mode 0600)\n");
}

int
nj_cmd_events(int argc, char **argv)
{
    const char *config = NULL, *endpoint = NULL, *replay_ep = NULL;
    const char *server_key = NULL, *client_key = NULL;
    char srv_pub[NJ_Z85_KEY_LEN + 1], cl_pub[NJ_Z85_KEY_LEN + 1], cl_sec[NJ_Z85_KEY_LEN + 1];
    uint64_t since = 0, count = 0, timeout = 0;
    int have_since = 0, ret = 0;
    struct ev_state s;
    struct nj_config *cfg = NULL;

    memset(&s, 0, sizeof s);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return 0;
        }
        if (!v) {
            usage();
            return 2;
        }
        i++;
        if (strcmp(a, "--config") == 0)
            config = v;
        else if (strcmp(a, "--endpoint") == 0)
            endpoint = v;
        else if (strcmp(a, "--replay-endpoint") == 0)
            replay_ep = v;
        else if (strcmp(a, "--topic") == 0)
            s.topic_prefix = v;
        else if (strcmp(a, "--server-key") == 0)
            server_key = v;
        else if (strcmp(a, "--client-key") == 0)
            client_key = v;
        else if (strcmp(a, "--since") == 0 && parse_num(v, &since) == 0)
            have_since = 1;
        else if (strcmp(a, "--count") == 0 && parse_num(v, &count) == 0)
            ;
        else if (strcmp(a, "--timeout-ms") == 0 && parse_num(v, &timeout) == 0)
            ;
        else {
            fprintf(stderr, "nianjian events: bad option %s %s\n", a, v);
            usage();
            return 2;
        }
    }
    if (!endpoint || !replay_ep) {
        char *errors = NULL;
        const char *path = config ? config : NJ_CONFIG_DEFAULT_PATH;
        if (nj_config_load(path, &cfg, &errors) < 0) {
            if (config) {
                fputs(errors ? errors : "configuration invalid\n", stderr);
                free(errors);
                return 2;
            }
            free(errors);
            nj_config_default(&cfg);
        }
        if (cfg) {
            if (!endpoint)
                endpoint = cfg->endpoint;
            if (!replay_ep)
                replay_ep = cfg->replay_endpoint;
        }
        if (!endpoint || !replay_ep) {
            nj_config_free(cfg);
            return 2;
        }
    }
    s.count = (long)count;
    if (!server_key != !client_key) {
        fprintf(stderr, "nianjian events: --server-key and --client-key go together\n");
        nj_config_free(cfg);
        return 2;
    }
    if (server_key) {
        char err[600];
        if (nj_curve_key_valid(server_key)) {
            snprintf(srv_pub, sizeof srv_pub, "%s", server_key);
        } else if (nj_curve_read_key_file(server_key, 0, srv_pub, NULL, err, sizeof err) < 0) {
            fprintf(stderr, "nianjian events: --server-key: %s\n", err);
            nj_config_free(cfg);
            return 2;
        }
        if (nj_curve_read_key_file(client_key, 1, cl_pub, cl_sec, err, sizeof err) < 0) {
            fprintf(stderr, "nianjian events: --client-key: %s\n", err);
            nj_config_free(cfg);
            return 2;
        }
    }

    s.ctx = zmq_ctx_new();
    s.sub = zmq_socket(s.ctx, ZMQ_SUB);
    int zero = 0, hwm = 100000;
    zmq_setsockopt(s.sub, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(s.sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    /* Everything under nianjian.v1.: heartbeats and filtered-out topics still carry seq,
     * so gaps are detected even when only some topics are printed. */
    zmq_setsockopt(s.sub, ZMQ_SUBSCRIBE, "nianjian.v1.", 12);
    if (server_key && make_curve_client(s.sub, srv_pub, cl_pub, cl_sec) < 0) {
        ret = 2;
        goto out;
    }
    if (zmq_connect(s.sub, endpoint) < 0) {
        fprintf(stderr, "nianjian events: cannot connect %s: %s\n", endpoint, zmq_strerror(errno));
        ret = 2;
        goto out;
    }
    s.dealer = zmq_socket(s.ctx, ZMQ_DEALER);
    zmq_setsockopt(s.dealer, ZMQ_LINGER, &zero, sizeof zero);
    if (server_key && make_curve_client(s.dealer, srv_pub, cl_pub, cl_sec) < 0) {
        ret = 2;
        zmq_close(s.dealer);
        s.dealer = NULL;
        goto out;
    }
    if (zmq_connect(s.dealer, replay_ep) < 0) {
        fprintf(stderr, "nianjian events: cannot connect %s: %s\n", replay_ep, zmq_strerror(errno));
        zmq_close(s.dealer);
        s.dealer = NULL;
    }
    if (have_since && s.dealer) {
        if (since > 0) {
            s.last = since - 1;
            s.have_last = 1;
        }
        replay(&s, since);
    }

    int64_t deadline = timeout ? now_ms() + (int64_t)timeout : 0;
    while (!done(&s)) {
        long wait = -1;
        if (deadline) {
            int64_t left = deadline - now_ms();
            if (left <= 0)
                break;
            wait = (long)left;
        }
        zmq_pollitem_t it = {s.sub, 0, ZMQ_POLLIN, 0};
        int n = zmq_poll(&it, 1, wait);
        if (n < 0) {
            if (errno == EINTR)
                break;
            ret = 2;
            break;
        }
        if (n == 0)
            continue;
        char topic[128], *body;
        size_t blen;
        if (recv_msg(s.sub, topic, sizeof topic, &body, &blen) == 0) {
            handle_live(&s, topic, body, blen);
            free(body);
        }
    }
    if (count && s.printed < s.count)
        ret = 1;
out:
    explicit_bzero(cl_sec, sizeof cl_sec);
    zmq_close(s.sub);
    if (s.dealer)
        zmq_close(s.dealer);
    zmq_ctx_term(s.ctx);
    nj_config_free(cfg);
    return ret;
}
