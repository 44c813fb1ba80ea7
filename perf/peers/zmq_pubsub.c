/*
 * libzmq PUB/SUB baseline for the Telemetry benchmark suite (perf e2e builds it with gcc -lzmq).
 *
 *   zmq_pubsub pub ENDPOINT RATE [drop]              bind a PUB, send forever; RATE messages/s, 0 = flat out;
 *                                                    "drop": drop at the high-water mark (ZeroMQ's default, as
 *                                                    ours does) instead of waiting (the capacity rows)
 *   zmq_pubsub sub ENDPOINT WARMUP_S SECONDS [FILE]  connect a SUB to "md.", measure a window that opens
 *                                                    WARMUP_S after the first message; with FILE, write every
 *                                                    one-way latency (int64 ns, host order) seen in the window
 *   zmq_pubsub proxy UPSTREAM BIND                   zmq_proxy: an XSUB connected upstream, an XPUB bound
 *                                                    (libzmq's own relay, for the fan-out rows)
 *   zmq_pubsub subs ENDPOINT N WARMUP_S SECONDS      N SUB sockets in one process, polled together; the
 *                                                    result has the slowest one's rate and the total
 *
 * Each message is one 32-byte frame: an 8-byte topic prefix, the send time (CLOCK_MONOTONIC ns, which
 * every process on the host shares), a sequence number (to count what the PUB dropped) and padding.
 * One frame is libzmq's cheapest form of a 32-byte message, and the PUB waits (ZMQ_XPUB_NODROP, a
 * short sleep when the pipe is full) instead of dropping at the high-water mark: flat out on two
 * cores, a publisher that spins on messages it then drops takes the CPU its subscriber needs. Both
 * choices give libzmq its best case, so the baseline is libzmq at its best.
 * Output is JSON lines on stdout, like the perf workers; after its result the sub waits to be killed
 * so the harness can read its CPU time and peak RSS from /proc first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define PAYLOAD 32

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void __attribute__((noreturn)) die(const char *what)
{
    fprintf(stderr, "zmq_pubsub: %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(1);
}

/* Paced like the .NET workers: sleep until the next message is due (absolute deadline, no spinning). */
static void wait_until_due(int64_t start, double rate, uint64_t sent)
{
    int64_t due_ns = start + (int64_t)((double)sent * 1e9 / rate);
    if (due_ns <= now_ns())
        return; /* behind schedule: no system call, so high rates are not capped by the sleeps */
    struct timespec deadline = {due_ns / 1000000000LL, due_ns % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
        ;
}

static int run_pub(const char *endpoint, double rate, int drop)
{
    void *ctx = zmq_ctx_new();
    void *pub = zmq_socket(ctx, ZMQ_PUB);
    /* 10,000 messages, ten times our PUB's 1,000: generous to libzmq, whose messages carry one record each. */
    int sndhwm = 10000;
    zmq_setsockopt(pub, ZMQ_SNDHWM, &sndhwm, sizeof sndhwm);
    int nodrop = !drop;
    zmq_setsockopt(pub, ZMQ_XPUB_NODROP, &nodrop, sizeof nodrop);
    if (zmq_bind(pub, endpoint) != 0)
        die("bind");
    printf("{\"role\":\"zmq-pub\",\"event\":\"ready\"}\n");
    fflush(stdout);

    unsigned char msg[PAYLOAD];
    memset(msg, 0, sizeof msg);
    memcpy(msg, "md.PERF.", 8);
    uint64_t seq = 0;
    int64_t start = now_ns();
    int64_t stamp = start;
    for (;;) {
        if (rate > 0)
            wait_until_due(start, rate, seq);
        /* Flat out, the clock is read once per 64 messages, as the .NET publisher worker does. */
        if (rate > 0 || (seq & 63) == 0)
            stamp = now_ns();
        seq++;
        memcpy(msg + 8, &stamp, 8);
        memcpy(msg + 16, &seq, 8);
        /* With NODROP a full pipe answers EAGAIN: back off briefly and send the same message again. */
        while (zmq_send(pub, msg, PAYLOAD, 0) != PAYLOAD) {
            if (zmq_errno() != EAGAIN)
                die("send");
            struct timespec pause_20us = {0, 20000};
            nanosleep(&pause_20us, NULL);
        }
    }
    return 0; /* not reached: the harness kills the publisher */
}

static int run_sub(const char *endpoint, double warmup_s, double seconds, const char *latency_path)
{
    void *ctx = zmq_ctx_new();
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    int timeout_ms = 1000;
    zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    /* 10,000 messages, as our SUB's default. */
    int rcvhwm = 10000;
    zmq_setsockopt(sub, ZMQ_RCVHWM, &rcvhwm, sizeof rcvhwm);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "md.", 3);
    if (zmq_connect(sub, endpoint) != 0)
        die("connect");

    size_t capacity = latency_path ? 1 << 20 : 0, used = 0;
    int64_t *latencies = capacity ? malloc(capacity * sizeof(int64_t)) : NULL;
    unsigned char msg[64];
    int64_t window_start = 0, window_end = 0, first = 0, idle_since = now_ns();
    uint64_t records = 0, missing = 0, last_seq = 0;
    int announced = 0;
    for (;;) {
        int n = zmq_recv(sub, msg, sizeof msg, 0);
        int64_t now = now_ns();
        if (n < 0) {
            if (zmq_errno() != EAGAIN)
                die("recv");
            if (now - idle_since > 30LL * 1000000000LL) {
                printf("{\"role\":\"zmq-sub\",\"event\":\"error\",\"message\":\"no message for 30 s\"}\n");
                fflush(stdout);
                return 1;
            }
            if (first && now >= window_end)
                break;
            continue;
        }
        idle_since = now;
        if (n != PAYLOAD)
            continue;
        if (!first) {
            first = now;
            window_start = first + (int64_t)(warmup_s * 1e9);
            window_end = window_start + (int64_t)(seconds * 1e9);
        }
        if (now >= window_end)
            break;
        uint64_t seq;
        int64_t sent;
        memcpy(&sent, msg + 8, 8);
        memcpy(&seq, msg + 16, 8);
        if (now >= window_start) {
            if (!announced) {
                announced = 1;
                printf("{\"role\":\"zmq-sub\",\"event\":\"window_start\"}\n");
                fflush(stdout);
            }
            records++;
            if (last_seq && seq > last_seq + 1)
                missing += seq - last_seq - 1;
            if (latencies) {
                if (used == capacity) {
                    capacity *= 2;
                    latencies = realloc(latencies, capacity * sizeof(int64_t));
                }
                latencies[used++] = now - sent;
            }
        }
        last_seq = seq;
    }

    if (latencies) {
        FILE *f = fopen(latency_path, "wb");
        if (!f || fwrite(latencies, sizeof(int64_t), used, f) != used) {
            perror("zmq_pubsub: latency file");
            return 1;
        }
        fclose(f);
    }
    printf("{\"role\":\"zmq-sub\",\"event\":\"result\",\"records\":%" PRIu64 ",\"batches\":%" PRIu64
           ",\"seconds\":%.3f,\"records_per_s\":%.1f,\"msgs_per_s\":%.1f,\"missing\":%" PRIu64
           ",\"latency_samples\":%zu}\n",
           records, records, seconds, records / seconds, records / seconds, missing, used);
    fflush(stdout);
    /* Stay alive until the harness has read /proc and kills us. */
    for (;;)
        pause();
}

static int run_proxy(const char *upstream, const char *bind)
{
    void *ctx = zmq_ctx_new();
    void *xsub = zmq_socket(ctx, ZMQ_XSUB);
    void *xpub = zmq_socket(ctx, ZMQ_XPUB);
    int hwm = 10000;
    zmq_setsockopt(xsub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(xpub, ZMQ_SNDHWM, &hwm, sizeof hwm);
    if (zmq_connect(xsub, upstream) != 0 || zmq_bind(xpub, bind) != 0)
        die("proxy endpoints");
    printf("{\"role\":\"zmq-proxy\",\"event\":\"ready\"}\n");
    fflush(stdout);
    zmq_proxy(xsub, xpub, NULL);
    return 0; /* not reached: the harness kills the proxy */
}

static int run_subs(const char *endpoint, int n, double warmup_s, double seconds)
{
    void *ctx = zmq_ctx_new();
    void **subs = calloc((size_t)n, sizeof *subs);
    zmq_pollitem_t *items = calloc((size_t)n, sizeof *items);
    uint64_t *records = calloc((size_t)n, sizeof *records), *missing = calloc((size_t)n, sizeof *missing), *last = calloc((size_t)n, sizeof *last);
    int hwm = 10000;
    for (int i = 0; i < n; i++) {
        subs[i] = zmq_socket(ctx, ZMQ_SUB);
        zmq_setsockopt(subs[i], ZMQ_RCVHWM, &hwm, sizeof hwm);
        zmq_setsockopt(subs[i], ZMQ_SUBSCRIBE, "md.", 3);
        if (zmq_connect(subs[i], endpoint) != 0)
            die("connect");
        items[i].socket = subs[i];
        items[i].events = ZMQ_POLLIN;
    }

    unsigned char msg[64];
    int64_t first = 0, window_start = 0, window_end = 0, idle_since = now_ns();
    int announced = 0;
    for (;;) {
        int ready = zmq_poll(items, n, 1000);
        int64_t now = now_ns();
        if (ready < 0)
            die("poll");
        if (ready == 0 && now - idle_since > 30LL * 1000000000LL) {
            printf("{\"role\":\"zmq-subs\",\"event\":\"error\",\"message\":\"no message for 30 s\"}\n");
            fflush(stdout);
            return 1;
        }
        if (first && now >= window_end)
            break;
        for (int i = 0; i < n; i++) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            /* Everything this socket holds now, without blocking. */
            int got;
            while ((got = zmq_recv(subs[i], msg, sizeof msg, ZMQ_DONTWAIT)) >= 0) {
                idle_since = now;
                if (got != PAYLOAD)
                    continue;
                if (!first) {
                    first = now;
                    window_start = first + (int64_t)(warmup_s * 1e9);
                    window_end = window_start + (int64_t)(seconds * 1e9);
                }
                uint64_t seq;
                memcpy(&seq, msg + 16, 8);
                if (now >= window_start && now < window_end) {
                    if (!announced) {
                        announced = 1;
                        printf("{\"role\":\"zmq-subs\",\"event\":\"window_start\"}\n");
                        fflush(stdout);
                    }
                    records[i]++;
                    if (last[i] && seq > last[i] + 1)
                        missing[i] += seq - last[i] - 1;
                }
                last[i] = seq;
            }
        }
    }

    uint64_t total = 0, lost = 0, slowest = UINT64_MAX;
    for (int i = 0; i < n; i++) {
        total += records[i];
        lost += missing[i];
        if (records[i] < slowest)
            slowest = records[i];
    }
    printf("{\"role\":\"zmq-subs\",\"event\":\"result\",\"records\":%" PRIu64 ",\"batches\":%" PRIu64
           ",\"seconds\":%.3f,\"records_per_s\":%.1f,\"msgs_per_s\":%.1f,\"missing\":%" PRIu64
           ",\"subscribers\":%d,\"slowest_records_per_s\":%.1f}\n",
           total, total, seconds, total / seconds, total / seconds, lost, n, slowest / seconds);
    fflush(stdout);
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "proxy") == 0)
        return run_proxy(argv[2], argv[3]);
    if (argc >= 6 && strcmp(argv[1], "subs") == 0)
        return run_subs(argv[2], atoi(argv[3]), atof(argv[4]), atof(argv[5]));
    if (argc >= 4 && strcmp(argv[1], "pub") == 0)
        return run_pub(argv[2], atof(argv[3]), argc >= 5 && strcmp(argv[4], "drop") == 0);
    if (argc >= 5 && strcmp(argv[1], "sub") == 0)
        return run_sub(argv[2], atof(argv[3]), atof(argv[4]), argc >= 6 ? argv[5] : NULL);
    fprintf(stderr, "usage: zmq_pubsub pub ENDPOINT RATE [drop] | proxy UPSTREAM BIND | subs ENDPOINT N WARMUP_S SECONDS | sub ENDPOINT WARMUP_S SECONDS [LATENCY_FILE]\n");
    return 2;
}
