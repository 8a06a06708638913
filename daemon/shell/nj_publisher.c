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

struct nj_publisher {
    void *ctx;
    void *pub;
    void *router;
    uv_poll_t poll;
    struct nj_journal *journal;
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

int
nj_publisher_open(uv_loop_t *loop, const char *endpoint, const char *replay_endpoint,
                  struct nj_journal *journal, struct nj_publisher **out, char *err, size_t err_size)
{
    struct nj_publisher *p = calloc(1, sizeof *p);
    int linger = 1000, zero = 0, hwm = 10000, fd, ret;
    size_t sz = sizeof fd;

    if (!p)
        return -ENOMEM;
    p->journal = journal;
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
    if (zmq_getsockopt(p->router, ZMQ_FD, &fd, &sz) < 0) {
        ret = -errno;
        snprintf(err, err_size, "cannot get ZMQ_FD: %s", zmq_strerror(errno));
        goto fail;
    }
    ret = uv_poll_init(loop, &p->poll, fd);
    if (ret < 0) {
        snprintf(err, err_size, "cannot poll ZMQ_FD: %s", uv_strerror(ret));
        goto fail;
    }
    p->poll.data = p;
    uv_poll_start(&p->poll, UV_READABLE, on_router);
    *out = p;
    /* Requests may already be queued without a new edge. */
    on_router(&p->poll, 0, UV_READABLE);
    return 0;

fail:
    if (p->pub)
        zmq_close(p->pub);
    if (p->router)
        zmq_close(p->router);
    if (p->ctx)
        zmq_ctx_term(p->ctx);
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
    zmq_ctx_term(p->ctx);
    free(p);
}

void
nj_publisher_close(struct nj_publisher *p)
{
    if (!p)
        return;
    /* uv_close stops polling at once, before ZeroMQ closes the descriptor. */
    uv_close((uv_handle_t *)&p->poll, on_closed);
    zmq_close(p->router);
    zmq_close(p->pub);
}
