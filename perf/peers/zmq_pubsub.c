/*
 * libzmq PUB/SUB baseline for the Telemetry benchmark suite (perf e2e builds it with gcc -lzmq).
 *
 *   zmq_pubsub pub ENDPOINT RATE [drop]              bind a PUB, send forever; RATE messages/s, 0 = flat out;
 *                                                    "drop": drop at the high-water mark (ZeroMQ's default, as
 *                                                    ours does) instead of waiting (the capacity rows)
 *   zmq_pubsub sub ENDPOINT WARMUP_S SECONDS [FILE]  connect a SUB to "md.", measure a window that opens
 *                                                    WARMUP_S after the first message; with FILE, write every
 *                                                    one-way latency (int64 ns, host order) seen in the window
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

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "pub") == 0)
        return run_pub(argv[2], atof(argv[3]), argc >= 5 && strcmp(argv[4], "drop") == 0);
    if (argc >= 5 && strcmp(argv[1], "sub") == 0)
        return run_sub(argv[2], atof(argv[3]), atof(argv[4]), argc >= 6 ? argv[5] : NULL);
    fprintf(stderr, "usage: zmq_pubsub pub ENDPOINT RATE [drop] | sub ENDPOINT WARMUP_S SECONDS [LATENCY_FILE]\n");
    return 2;
}
