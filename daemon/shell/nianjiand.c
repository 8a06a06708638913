/*
 * nianjiand.c - the drop-folder daemon: command line only; see nj_daemon.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "nj_config.h"
#include "nj_core.h"
#include "nj_curve.h"
#include "nj_daemon.h"
#include "nj_log.h"

static void
usage(FILE *f)
{
    fprintf(f,
            "usage: nianjiand [-c FILE] [-n] [-f] [--version] [--help]\n"
            "       nianjiand --gen-key NAME\n"
            "  -c FILE         configuration (default %s)\n"
            "  -n              check the configuration, print every error and exit (0 or 78)\n"
            "  -f              stay in the foreground (always the case; kept for scripts)\n"
            "  --gen-key NAME  write a new CURVE key pair to NAME.key (secret, mode 0600)\n"
            "                  and NAME.pub (public), for publish.curve or `nianjian events`\n",
            NJ_CONFIG_DEFAULT_PATH);
}

int
main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* Workers free and allocate the same few megabytes per report: keep freed memory for
     * the next one instead of returning it to the kernel and faulting it in again. */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 16 << 20);
#endif
    const char *path = NJ_CONFIG_DEFAULT_PATH;
    int check_only = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
            if (++i >= argc) {
                usage(stderr);
                return 64;
            }
            path = argv[i];
        } else if (strcmp(a, "-n") == 0 || strcmp(a, "--check-config") == 0) {
            check_only = 1;
        } else if (strcmp(a, "-f") == 0 || strcmp(a, "--foreground") == 0) {
            /* nianjiand never daemonises itself; systemd or the shell supervises it. */
        } else if (strcmp(a, "--gen-key") == 0) {
            char err[512];
            if (++i >= argc || i + 1 != argc) {
                usage(stderr);
                return 64;
            }
            if (nj_curve_gen_key(argv[i], err, sizeof err) < 0) {
                fprintf(stderr, "nianjiand: %s\n", err);
                return 1;
            }
            char pub[NJ_Z85_KEY_LEN + 1], pubfile[4200];
            snprintf(pubfile, sizeof pubfile, "%s.pub", argv[i]);
            if (nj_curve_read_key_file(pubfile, 0, pub, NULL, err, sizeof err) == 0)
                printf("%s.key: key pair (keep it secret, mode 0600)\n%s.pub: public key %s\n",
                       argv[i], argv[i], pub);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("nianjiand %s\n", NJ_VERSION);
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "nianjiand: unknown option %s\n", a);
            usage(stderr);
            return 64;
        }
    }
    if (check_only) {
        struct nj_config *cfg = NULL;
        char *errors = NULL;
        if (nj_config_load(path, &cfg, &errors) < 0) {
            fputs(errors ? errors : "configuration invalid\n", stderr);
            free(errors);
            return NJ_EXIT_CONFIG;
        }
        nj_config_free(cfg);
        printf("%s: configuration OK\n", path);
        return 0;
    }
    return nj_daemon_run(path);
}
