/*
 * nj_curve.h - CURVE keys for the event sockets: key files, the allow list, new keys.
 *
 * Key files are text in the format of czmq certificates (zcert_save), of which two lines
 * are read (anything else, comments included, is ignored):
 *
 *     public-key = "Z85, 40 characters"
 *     secret-key = "Z85, 40 characters"
 *
 * A secret key file holds both (or the secret key alone: the public one is derived) and
 * must not be readable or writable by group or others.  A public key file holds the
 * public-key line only.  `nianjiand --gen-key NAME` writes NAME.key (mode 0600) and
 * NAME.pub; czmq's `zcert` files work as they are.
 */
#ifndef NJ_CURVE_H
#define NJ_CURVE_H

#include <stddef.h>

#define NJ_Z85_KEY_LEN 40

struct nj_curve {
    char public_key[NJ_Z85_KEY_LEN + 1]; /* the server's, Z85 */
    char secret_key[NJ_Z85_KEY_LEN + 1];
    char (*clients)[NJ_Z85_KEY_LEN + 1]; /* public keys of the subscribers let in, Z85 */
    size_t n_clients;
};

/* Non-zero when Z85 is a 40-character Z85 text of a 32-byte key. */
int nj_curve_key_valid(const char *z85);

/*
 * Reads a key file.  With NEED_SECRET the file must hold a secret key (PUB then receives
 * the matching public key) and have no group/other permission bits; otherwise it must hold
 * a public key (SEC may be NULL).  Returns 0, or -1 with a message in ERR.
 */
int nj_curve_read_key_file(const char *path, int need_secret, char pub[NJ_Z85_KEY_LEN + 1],
                           char sec[NJ_Z85_KEY_LEN + 1], char *err, size_t err_size);

/* Adds Z85 to the allow list (duplicates are kept once).  Returns 0 or -1 (no memory). */
int nj_curve_add_client(struct nj_curve *c, const char *z85);

/* Adds the public key of every file in DIR (hidden names skipped).  DIR and its files must
 * not be writable by group or others.  Returns 0, or -1 with a message in ERR. */
int nj_curve_add_clients_dir(struct nj_curve *c, const char *dir, char *err, size_t err_size);

/* Non-zero when Z85 is on the allow list. */
int nj_curve_allowed(const struct nj_curve *c, const char *z85);

/* A deep copy (NULL for NULL or no memory). */
struct nj_curve *nj_curve_dup(const struct nj_curve *c);

/* Frees C; its secret key is wiped first. */
void nj_curve_free(struct nj_curve *c);

/* Writes a new key pair as BASE.key (0600, both keys) and BASE.pub (public key), refusing
 * to overwrite either.  Returns 0, or -1 with a message in ERR. */
int nj_curve_gen_key(const char *base, char *err, size_t err_size);

#endif
