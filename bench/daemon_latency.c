/*
 * daemon_latency.c - close-to-event latency of a running nianjiand.
 *
 * usage: daemon_latency DROP_DIR ENDPOINT COUNT GAP_MS SAMPLE_FILE
 * Subscribes, waits for a heartbeat (so no event is lost to the slow-joiner effect), then
 * COUNT times: writes SAMPLE_FILE's bytes to DROP_DIR/lat-N.txt, notes the time of
 * close(), waits for the event naming that file and notes the time it arrived.  Prints
 * p50, p99 and max in milliseconds.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s DROP ENDPOINT COUNT GAP_MS SAMPLE\n", argv[0]);
        return 2;
    }
    const char *drop = argv[1], *ep = argv[2];
    int count = atoi(argv[3]), gap = atoi(argv[4]);
    FILE *f = fopen(argv[5], "rb");
    if (!f)
        return 2;
    static char sample[1 << 20];
    size_t slen = fread(sample, 1, sizeof sample, f);
    fclose(f);

    void *ctx = zmq_ctx_new(), *sub = zmq_socket(ctx, ZMQ_SUB);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "nianjian.v1.", 12);
    zmq_connect(sub, ep);
    char topic[128];
    static char body[1 << 20];
    for (;;) {
        int n = zmq_recv(sub, topic, sizeof topic - 1, 0);
        zmq_recv(sub, body, sizeof body - 1, 0);
        if (n > 0 && strncmp(topic, "nianjian.v1.heartbeat", 21) == 0)
            break;
    }
    double *lat = calloc((size_t)count, sizeof *lat);
    for (int i = 0; i < count; i++) {
        char path[4096], name[64], want[96];
        snprintf(name, sizeof name, "lat-%d-%ld.txt", i, (long)getpid());
        snprintf(path, sizeof path, "%s/%s", drop, name);
        snprintf(want, sizeof want, "\"file\":\"%s\"", name);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, sample, slen) != (ssize_t)slen)
            return 1;
        close(fd);
        double t0 = now_ms();
        for (;;) {
            int n = zmq_recv(sub, topic, sizeof topic - 1, 0);
            int m = zmq_recv(sub, body, sizeof body - 1, 0);
            if (n < 0 || m < 0)
                return 1;
            body[m < (int)sizeof body ? m : (int)sizeof body - 1] = '\0';
            if (strncmp(topic, "nianjian.v1.report.", 19) == 0 && strstr(body, want))
                break;
        }
        lat[i] = now_ms() - t0;
        usleep((useconds_t)gap * 1000u);
    }
    qsort(lat, (size_t)count, sizeof *lat, cmp);
    printf("latency_ms p50=%.1f p99=%.1f max=%.1f n=%d\n", lat[count / 2],
           lat[(count * 99) / 100 < count ? (count * 99) / 100 : count - 1], lat[count - 1], count);
    free(lat);
    zmq_close(sub);
    zmq_ctx_term(ctx);
    return 0;
}
