/*
 * nj_publisher.c - PUB socket for events, ROUTER socket for replays from the journal.
 */
#include "nj_publisher.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "nj_log.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_DOMAIN "nianjian"

struct nj_publisher {
    void *ctx;
    void *pub;
    void *router;
    void *zap;
    uv_poll_t poll, zap_poll;
    int open_polls;
    struct nj_journal *journal;
    struct nj_curve *curve; /* own copy; NULL without CURVE */
    char last_refused[NJ_Z85_KEY_LEN + 1];
    uint64_t last_refused_ms;
};

struct replay_ctx {
    struct nj_publisher *p;
    const void *id;
    size_t id_len;
};

static int
send_frames(void *sock, const void *id, size_t id_len, const char *topic, const char *body,
            size_t body_len)
{
    if (id && zmq_send(sock, id, id_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return -errno;
    if (zmq_send(sock, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return -errno;
    if (zmq_send(sock, body, body_len, ZMQ_DONTWAIT) < 0)
        return -errno;
    return 0;
}

static int
replay_one(void *arg, uint64_t seq, const char *topic, const char *body, size_t body_len)
{
    struct replay_ctx *rc = arg;
    (void)seq;
    return send_frames(rc->p->router, rc->id, rc->id_len, topic, body, body_len);
}

static void
handle_request(struct nj_publisher *p, const void *id, size_t id_len, const char *req,
               size_t req_len)
{
    char text[64], end[160];
    uint64_t since = 0, next = 0;
    int n = 0;
    const char *error = NULL;

    if (req_len >= sizeof text) {
        error = "request too long";
    } else {
        memcpy(text, req, req_len);
        text[req_len] = '\0';
        char *e;
        if (strncmp(text, "SINCE ", 6) != 0 || text[6] < '0' || text[6] > '9') {
            error = "expected SINCE <seq>";
        } else {
            errno = 0;
            since = strtoull(text + 6, &e, 10);
            if (errno || *e)
                error = "expected SINCE <seq>";
        }
    }
    if (!error) {
        struct replay_ctx rc = {p, id, id_len};
        n = nj_journal_replay(p->journal, since, NJ_REPLAY_BATCH, replay_one, &rc, &next);
        if (n < 0)
            error = "journal read failed";
    }
    uint64_t last = nj_journal_last_seq(p->journal);
    if (error)
        snprintf(end, sizeof end, "{\"error\":\"%s\",\"last\":%" PRIu64 "}", error, last);
    else
        snprintf(end, sizeof end, "{\"next\":%" PRIu64 ",\"last\":%" PRIu64 ",\"more\":%s}", next,
                 last, n == NJ_REPLAY_BATCH && next <= last ? "true" : "false");
    send_frames(p->router, id, id_len, NJ_TOPIC_REPLAY_END, end, strlen(end));
}

/* ZMQ_FD is edge-triggered: drain every pending request, re-reading ZMQ_EVENTS. */
static void
on_router(uv_poll_t *h, int status, int events)
{
    struct nj_publisher *p = h->data;
    (void)status;
    (void)events;
    for (;;) {
        int zev = 0;
        size_t sz = sizeof zev;
        if (zmq_getsockopt(p->router, ZMQ_EVENTS, &zev, &sz) < 0 || !(zev & ZMQ_POLLIN))
            return;
        char id[256], req[128];
        int idn = zmq_recv(p->router, id, sizeof id, ZMQ_DONTWAIT);
        if (idn < 0)
            return;
        int more = 0;
        sz = sizeof more;
        zmq_getsockopt(p->router, ZMQ_RCVMORE, &more, &sz);
        /* The request is the last frame; an empty first frame of several is the envelope
         * delimiter of a REQ client. */
        int rn = -1;
        size_t full = 0;
        while (more) {
            int r = zmq_recv(p->router, req, sizeof req, ZMQ_DONTWAIT);
            if (r < 0)
                break;
            rn = r;
            full = (size_t)r;
            sz = sizeof more;
            zmq_getsockopt(p->router, ZMQ_RCVMORE, &more, &sz);
        }
        if (rn < 0 || (size_t)idn > sizeof id)
            continue;
        if (full > sizeof req)
            full = sizeof req; /* longer than any valid request: answered with an error */
        handle_request(p, id, (size_t)idn, req, full);
    }
}

/* Receives one frame of a ZAP request into BUF (cut to SIZE); returns its length or -1. */
static int
zap_frame(void *sock, char *buf, size_t size, int *more)
{
    int n = zmq_recv(sock, buf, size, ZMQ_DONTWAIT);
    size_t sz = sizeof *more;
    if (n < 0)
        return -1;
    zmq_getsockopt(sock, ZMQ_RCVMORE, more, &sz);
    return n > (int)size ? (int)size : n;
}

/*
 * ZAP (RFC 27): request frames version, request id, domain, address, identity, mechanism,
 * credentials...; reply version, request id, status code, status text, user id, metadata.
 */
static void
on_zap(uv_poll_t *h, int status, int events)
{
    struct nj_publisher *p = h->data;
    (void)status;
    (void)events;
    for (;;) {
        int zev = 0;
        size_t sz = sizeof zev;
        if (zmq_getsockopt(p->zap, ZMQ_EVENTS, &zev, &sz) < 0 || !(zev & ZMQ_POLLIN))
            return;
        char frames[7][256];
        int len[7] = {0}, more = 1, n = 0;
        while (more) {
            char scratch[256];
            char *buf = n < 7 ? frames[n] : scratch;
            int r = zap_frame(p->zap, buf, sizeof frames[0], &more);
            if (r < 0)
                break;
            if (n < 7)
                len[n] = r;
            n++;
        }
        if (n < 2)
            continue; /* REP needs the request to reply; nothing sensible to answer */
        char key[NJ_Z85_KEY_LEN + 1] = "", addr[64] = "?";
        int ok = 0;
        if (n >= 7 && len[5] == 5 && memcmp(frames[5], "CURVE", 5) == 0 && len[6] == 32 &&
            zmq_z85_encode(key, (const uint8_t *)frames[6], 32))
            ok = nj_curve_allowed(p->curve, key);
        if (n >= 4)
            snprintf(addr, sizeof addr, "%.*s", len[3], frames[3]);
        if (!ok) {
            /* A refused client retries every few hundred ms: log each key once a minute. */
            uint64_t now = uv_hrtime() / 1000000;
            if (strcmp(key, p->last_refused) != 0 || now - p->last_refused_ms > 60000) {
                nj_log_warnx("refused a subscriber from %s: client key %s is not allowed "
                             "(publish.curve)",
                             addr, key[0] ? key : "(none)");
                snprintf(p->last_refused, sizeof p->last_refused, "%s", key);
                p->last_refused_ms = now;
            }
        }
        const char *code = ok ? "200" : "400", *text = ok ? "OK" : "client key not allowed";
        zmq_send(p->zap, "1.0", 3, ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send(p->zap, frames[1], (size_t)len[1], ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send(p->zap, code, 3, ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send(p->zap, text, strlen(text), ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send(p->zap, ok ? key : "", ok ? strlen(key) : 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send(p->zap, "", 0, ZMQ_DONTWAIT);
    }
}

static int
make_curve_server(void *sock, const struct nj_curve *c)
{
    int one = 1;
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one) < 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, c->secret_key, NJ_Z85_KEY_LEN + 1) < 0 ||
        zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN, strlen(ZAP_DOMAIN)) < 0)
        return -errno;
    return 0;
}

int
nj_publisher_set_curve(struct nj_publisher *p, const struct nj_curve *curve)
{
    if (!p->curve || !curve || strcmp(p->curve->secret_key, curve->secret_key) != 0)
        return (!p->curve && !curve) ? 0 : -1;
    struct nj_curve *c = nj_curve_dup(curve);
    if (!c)
        return -1;
    nj_curve_free(p->curve);
    p->curve = c;
    return 0;
}

/* Polls SOCK's ZMQ_FD on LOOP with H (readable: CB); WHAT names it in ERR. */
static int
watch_socket(struct nj_publisher *p, uv_loop_t *loop, void *sock, uv_poll_t *h, uv_poll_cb cb,
             const char *what, char *err, size_t err_size)
{
    int fd, ret;
    size_t sz = sizeof fd;
    if (zmq_getsockopt(sock, ZMQ_FD, &fd, &sz) < 0) {
        ret = -errno;
        snprintf(err, err_size, "cannot get the file descriptor of %s: %s", what,
                 zmq_strerror(errno));
        return ret;
    }
    ret = uv_poll_init(loop, h, fd);
    if (ret < 0) {
        snprintf(err, err_size, "cannot poll %s: %s", what, uv_strerror(ret));
        return ret;
    }
    h->data = p;
    p->open_polls++;
    uv_poll_start(h, UV_READABLE, cb);
    return 0;
}

int
nj_publisher_open(uv_loop_t *loop, const char *endpoint, const char *replay_endpoint,
                  const struct nj_curve *curve, struct nj_journal *journal,
                  struct nj_publisher **out, char *err, size_t err_size)
{
    struct nj_publisher *p = calloc(1, sizeof *p);
    int linger = 1000, zero = 0, hwm = 10000, ret;

    if (!p)
        return -ENOMEM;
    p->journal = journal;
    if (curve) {
        if (!zmq_has("curve")) {
            snprintf(err, err_size, "publish.curve: this libzmq was built without CURVE");
            free(p);
            return -ENOTSUP;
        }
        p->curve = nj_curve_dup(curve);
        if (!p->curve) {
            free(p);
            return -ENOMEM;
        }
    }
    p->ctx = zmq_ctx_new();
    if (!p->ctx) {
        ret = -errno;
        snprintf(err, err_size, "cannot create ZeroMQ context: %s", zmq_strerror(errno));
        goto fail;
    }
    zmq_ctx_set(p->ctx, ZMQ_IO_THREADS, 1);
    p->pub = zmq_socket(p->ctx, ZMQ_PUB);
    p->router = zmq_socket(p->ctx, ZMQ_ROUTER);
    if (!p->pub || !p->router) {
        ret = -errno;
        snprintf(err, err_size, "cannot create ZeroMQ sockets: %s", zmq_strerror(errno));
        goto fail;
    }
    zmq_setsockopt(p->pub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(p->pub, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(p->router, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(p->router, ZMQ_SNDHWM, &zero, sizeof zero); /* replies are bounded */
    if (p->curve) {
        /* The ZAP handler must exist before any client can connect. */
        p->zap = zmq_socket(p->ctx, ZMQ_REP);
        if (!p->zap || zmq_setsockopt(p->zap, ZMQ_LINGER, &zero, sizeof zero) < 0 ||
            zmq_bind(p->zap, ZAP_ENDPOINT) < 0) {
            ret = -errno;
            snprintf(err, err_size, "cannot set up the ZAP handler: %s", zmq_strerror(errno));
            goto fail;
        }
        if ((ret = watch_socket(p, loop, p->zap, &p->zap_poll, on_zap, "the ZAP socket", err,
                                err_size)) < 0)
            goto fail;
        if ((ret = make_curve_server(p->pub, p->curve)) < 0 ||
            (ret = make_curve_server(p->router, p->curve)) < 0) {
            snprintf(err, err_size, "cannot make CURVE servers: %s", zmq_strerror(-ret));
            goto fail;
        }
    }
    if (zmq_bind(p->pub, endpoint) < 0) {
        ret = -errno;
        snprintf(err, err_size, "cannot bind %s: %s", endpoint, zmq_strerror(errno));
        goto fail;
    }
    if (zmq_bind(p->router, replay_endpoint) < 0) {
        ret = -errno;
        snprintf(err, err_size, "cannot bind %s: %s", replay_endpoint, zmq_strerror(errno));
        goto fail;
    }
    if ((ret = watch_socket(p, loop, p->router, &p->poll, on_router, "the replay socket", err,
                            err_size)) < 0)
        goto fail;
    *out = p;
    /* Requests may already be queued without a new edge. */
    on_router(&p->poll, 0, UV_READABLE);
    if (p->zap)
        on_zap(&p->zap_poll, 0, UV_READABLE);
    return 0;

fail:
    if (p->open_polls) {
        /* The ZAP poll handle is open: close through libuv, which frees P afterwards. */
        nj_publisher_close(p);
        return ret < 0 ? ret : -EIO;
    }
    if (p->pub)
        zmq_close(p->pub);
    if (p->router)
        zmq_close(p->router);
    if (p->zap)
        zmq_close(p->zap);
    if (p->ctx)
        zmq_ctx_term(p->ctx);
    nj_curve_free(p->curve);
    free(p);
    return ret < 0 ? ret : -EIO;
}

int
nj_publisher_send(struct nj_publisher *p, const char *topic, const char *body)
{
    return send_frames(p->pub, NULL, 0, topic, body, strlen(body));
}

static void
on_closed(uv_handle_t *h)
{
    struct nj_publisher *p = h->data;
    if (--p->open_polls > 0)
        return;
    zmq_ctx_term(p->ctx);
    nj_curve_free(p->curve);
    free(p);
}

void
nj_publisher_close(struct nj_publisher *p)
{
    if (!p)
        return;
    /* uv_close stops polling at once, before ZeroMQ closes the descriptors. */
    if (p->poll.data)
        uv_close((uv_handle_t *)&p->poll, on_closed);
    if (p->zap_poll.data)
        uv_close((uv_handle_t *)&p->zap_poll, on_closed);
    if (p->router)
        zmq_close(p->router);
    if (p->pub)
        zmq_close(p->pub);
    if (p->zap)
        zmq_close(p->zap);
}
