/*
 * nj_journal.h - the event journal and sequence counter in state_dir.
 *
 * Every event is appended to state_dir/events.jsonl as one JSON line
 * {"seq":N,"topic":"…","event":{…}} and synced before it is published, so the replay
 * endpoint can serve any event a subscriber missed.  A tail cut by a crash (a partial last
 * line) is truncated at open.  The counter continues from max(state_dir/seq, last journal
 * seq) + 1, so seq never repeats across restarts.  The journal also remembers which
 * (root, file, sha256) were published, so a result file written just before a crash still
 * gets its event at the next start.  Used on the loop thread only.
 */
#ifndef NJ_JOURNAL_H
#define NJ_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

struct nj_journal;

#define NJ_JOURNAL_FILE "events.jsonl"
#define NJ_SEQ_FILE "seq"

/* Opens (creating if needed) the journal in STATE_DIR, locks it against a second daemon,
 * repairs its tail and indexes it.  Returns 0 or a negative errno with a message in ERR. */
int nj_journal_open(const char *state_dir, struct nj_journal **out, char *err, size_t err_size);
void nj_journal_close(struct nj_journal *j);

/* The seq the next event gets, and the last seq used (0 when none yet). */
uint64_t nj_journal_next_seq(const struct nj_journal *j);
uint64_t nj_journal_last_seq(const struct nj_journal *j);

/* Appends one event with seq nj_journal_next_seq() (not yet synced) and advances the
 * counter.  KEY (may be NULL) is remembered for nj_journal_seen.  Returns 0 or -errno;
 * on failure nothing is left in the file. */
int nj_journal_append(struct nj_journal *j, const char *topic, const char *body, const char *key);
/* fsyncs appended events.  Returns 0 or -errno. */
int nj_journal_sync(struct nj_journal *j);

/* Persists the counter to state_dir/seq atomically. */
int nj_journal_save_seq(struct nj_journal *j);

/* Non-zero when an event with KEY was journaled (see nj_journal_key). */
int nj_journal_seen(const struct nj_journal *j, const char *key);

/* The key of a report version: ROOT, REL and SHA256 joined (OUT holds 8192 bytes). */
void nj_journal_key(char *out, size_t size, const char *root, const char *rel, const char *sha256);

typedef int (*nj_journal_cb)(void *arg, uint64_t seq, const char *topic, const char *body,
                             size_t body_len);

/* Calls CB for each journaled event with seq >= SINCE, at most MAX of them, in order.
 * *NEXT receives the seq to ask for next time.  Returns the number of events, or -errno. */
int nj_journal_replay(struct nj_journal *j, uint64_t since, size_t max, nj_journal_cb cb, void *arg,
                      uint64_t *next);

/* Parses a journal line; returns 0 with the parts, or -1. */
int nj_journal_parse_line(const char *line, size_t len, uint64_t *seq, char *topic,
                          size_t topic_size, const char **body, size_t *body_len);

#endif
