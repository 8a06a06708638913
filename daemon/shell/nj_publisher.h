/*
 * nj_publisher.h - ZeroMQ event publication and the replay endpoint.
 *
 * Events go out on a PUB socket as two frames: topic, JSON body.  A ROUTER socket serves
 * replays from the journal: a DEALER sends one frame "SINCE <seq>" and receives each
 * journaled event with seq >= <seq> as [topic][body] (at most NJ_REPLAY_BATCH), then
 * [NJ_TOPIC_REPLAY_END][{"next":N,"last":L,"more":true|false}].  The ROUTER is driven
 * by the loop through ZMQ_FD (edge-triggered, so it is always drained).  Loop thread only.
 *
 * With CURVE both sockets are CURVE servers (encrypted, the server key authenticated), and
 * a ZAP handler on inproc://zeromq.zap.01, driven by the loop like the ROUTER, lets in only
 * the client public keys on the allow list; refusals are logged.
 */
#ifndef NJ_PUBLISHER_H
#define NJ_PUBLISHER_H

#include <uv.h>

#include "nj_curve.h"
#include "nj_journal.h"

#define NJ_TOPIC_PASS "nianjian.v1.report.pass"
#define NJ_TOPIC_FAIL "nianjian.v1.report.fail"
#define NJ_TOPIC_ERROR "nianjian.v1.report.error"
#define NJ_TOPIC_HEARTBEAT "nianjian.v1.heartbeat"
#define NJ_TOPIC_REPLAY_END "nianjian.v1.replay.end"
#define NJ_REPLAY_BATCH 1000

struct nj_publisher;

/* Binds ENDPOINT (PUB) and REPLAY_ENDPOINT (ROUTER), as CURVE servers when CURVE is not
 * NULL (it is copied).  Returns 0 or -errno (ERR says why). */
int nj_publisher_open(uv_loop_t *loop, const char *endpoint, const char *replay_endpoint,
                      const struct nj_curve *curve, struct nj_journal *journal,
                      struct nj_publisher **out, char *err, size_t err_size);

/* Replaces the allow list with that of CURVE (a reload).  Returns 0, or -1 when CURVE has
 * other server keys or CURVE was not configured at open (a restart is needed). */
int nj_publisher_set_curve(struct nj_publisher *p, const struct nj_curve *curve);

/* Sends one event without blocking (PUB drops when a subscriber is too slow; the journal
 * keeps it).  Returns 0 or -errno. */
int nj_publisher_send(struct nj_publisher *p, const char *topic, const char *body);

/* Closes the sockets (bounded linger) and the poll handle; frees P once libuv is done. */
void nj_publisher_close(struct nj_publisher *p);

#endif
