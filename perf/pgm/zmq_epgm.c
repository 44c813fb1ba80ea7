/* libzmq epgm baseline for perf/pgm/run.sh: the same message shape and counting as
   `perf pgm-send` / `perf pgm-recv` (topic "md.SIM.AAPL", a body whose first 8 bytes number it).
   usage: zmq_epgm send|recv ENDPOINT MESSAGES SIZE RATE_KBPS RECOVERY_MS */
#include <zmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv)
{
    if (argc != 7) { fprintf(stderr, "usage: zmq_epgm send|recv ENDPOINT MESSAGES SIZE RATE_KBPS RECOVERY_MS\n"); return 2; }
    int sending = strcmp(argv[1], "send") == 0;
    long messages = atol(argv[3]);
    int size = atoi(argv[4]) < 8 ? 8 : atoi(argv[4]);
    int rate = atoi(argv[5]), recovery = atoi(argv[6]), zero = 0;
    void *ctx = zmq_ctx_new();
    void *s = zmq_socket(ctx, sending ? ZMQ_PUB : ZMQ_SUB);
    zmq_setsockopt(s, ZMQ_RATE, &rate, sizeof rate);
    zmq_setsockopt(s, ZMQ_RECOVERY_IVL, &recovery, sizeof recovery);
    zmq_setsockopt(s, sending ? ZMQ_SNDHWM : ZMQ_RCVHWM, &zero, sizeof zero);
    if (!sending) zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);
    if (zmq_connect(s, argv[2]) != 0) { fprintf(stderr, "connect: %s\n", zmq_strerror(zmq_errno())); return 1; }
    char *body = calloc(1, size);
    if (sending) {
        sleep(1);
        double start = now();
        for (long i = 0; i < messages; i++) {
            for (int b = 0; b < 8; b++) body[b] = (char)(i >> (56 - 8 * b));
            zmq_send(s, "md.SIM.AAPL", 11, ZMQ_SNDMORE);
            zmq_send(s, body, size, 0);
        }
        double seconds = now() - start;
        printf("{\"event\":\"sent\",\"messages\":%ld,\"seconds\":%.3f,\"msgs_per_s\":%.0f}\n", messages, seconds, messages / seconds);
        fflush(stdout);
        /* zmq_send only queues: the I/O thread paces the wire at RATE, so wait for it before closing. */
        double drain = messages * (size + 16.0) * 8 / (rate * 1000.0);
        usleep((useconds_t)((drain + 3) * 1e6));
    } else {
        int timeout = 10000;
        zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
        printf("{\"event\":\"ready\"}\n");
        fflush(stdout);
        long received = 0, highest = -1;
        double first = 0, last = 0;
        char topic[64];
        while (received < messages) {
            if (zmq_recv(s, topic, sizeof topic, 0) < 0) break;
            if (zmq_recv(s, body, size, 0) < 0) break;
            last = now();
            if (first == 0) first = last;
            long n = 0;
            for (int b = 0; b < 8; b++) n = (n << 8) | (unsigned char)body[b];
            if (n > highest) highest = n;
            received++;
            if (n == messages - 1) break;
        }
        double seconds = last - first;
        printf("{\"event\":\"received\",\"messages\":%ld,\"highest\":%ld,\"seconds\":%.3f,\"msgs_per_s\":%.0f}\n", received, highest, seconds, seconds > 0 ? received / seconds : 0);
    }
    int linger = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(s);
    zmq_ctx_term(ctx);
    free(body);
    return 0;
}
