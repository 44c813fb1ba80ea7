#!/usr/bin/python3
"""A libzmq XPUB that speaks Telemetry wire v1: binds, waits until subscriptions cover every topic it
will publish, publishes deterministic batches (sample_records.py), waits for them to leave, exits.

stdout: JSON lines {"event": "bound"|"subscribed"|"done", ...}. Exit 0 on success, 2 when no
subscription covered the topics within --wait-timeout seconds.
Run with Debian's /usr/bin/python3 (python3-zmq, python3-msgpack).
"""

import argparse
import json
import random
import sys
import time

import zmq

import malformed_messages
import sample_records
from telemetry_wire import UINT64_MAX, encode_batch


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bind", required=True, help="e.g. tcp://127.0.0.1:5600")
    parser.add_argument("--publisher", default="py-feed")
    parser.add_argument("--session", type=int, default=0, help="uint64; 0 picks a random one")
    parser.add_argument("--topics", default="md.SIM.AAA,md.SIM.BBB,md.SIM.CCC", help="comma-separated tick topics ('' for none)")
    parser.add_argument("--ticks", type=int, default=1000, help="ticks per topic, sequences 1..N")
    parser.add_argument("--batch", type=int, default=64, help="records per message")
    parser.add_argument("--extra-fields", action="store_true", help="records with even sequence numbers carry trailing extra fields")
    parser.add_argument("--logs", type=int, default=0)
    parser.add_argument("--log-topic", default="log.py-app.Information")
    parser.add_argument("--metrics", type=int, default=0)
    parser.add_argument("--metric-topic", default="metric.py-host.cpu")
    parser.add_argument("--custom", type=int, default=0, help="records of the application kind --custom-kind")
    parser.add_argument("--custom-topic", default="app.py.orders")
    parser.add_argument("--custom-kind", default="order")
    parser.add_argument("--bad-prefix", default="", help="send the malformed_messages cases first, topics under this prefix")
    parser.add_argument("--sequence-events", action="store_true",
                        help="after the ticks: a duplicate batch, an overlapping batch and a gap on the first topic, a restart on the second")
    parser.add_argument("--wait-timeout", type=float, default=30.0)
    parser.add_argument("--linger-ms", type=int, default=10_000)
    return parser.parse_args()


def emit(**fields):
    print(json.dumps(fields), flush=True)


def wait_for_coverage(socket, topics, timeout):
    """Reads subscribe/unsubscribe messages (0x01/0x00 + prefix) until every topic matches a prefix."""
    prefixes = set()
    deadline = time.monotonic() + timeout
    while not all(any(t.startswith(p) for p in prefixes) for t in topics):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1):
            return None
        message = socket.recv()
        if message[:1] == b"\x01":
            prefixes.add(message[1:])
        elif message[:1] == b"\x00":
            prefixes.discard(message[1:])
    return prefixes


class Sender:
    def __init__(self, socket, publisher, session):
        self.socket = socket
        self.publisher = publisher
        self.session = session
        self.messages = 0
        self.records = {}

    def send(self, topic, kind, first_seq, records, session=None):
        body = encode_batch(self.publisher, session or self.session, first_seq, time.time_ns(), kind, records)
        self.socket.send_multipart([topic.encode("utf-8"), body])
        self.messages += 1
        self.records[topic] = self.records.get(topic, 0) + len(records)

    def send_stream(self, topic, kind, make, count, batch, extra):
        """Records 1..count of one topic in batches of `batch`."""
        for first in range(1, count + 1, batch):
            seqs = range(first, min(first + batch, count + 1))
            self.send(topic, kind, first, [self.record(make, s, extra) for s in seqs])

    @staticmethod
    def record(make, seq, extra):
        record = make(seq)
        return sample_records.with_extra(record, seq) if extra else record


def publish_ticks(sender, topics, args):
    # Round-robin by batch so topics interleave on the wire as they do from a real feed.
    for first in range(1, args.ticks + 1, args.batch):
        for index, topic in enumerate(topics):
            seqs = range(first, min(first + args.batch, args.ticks + 1))
            sender.send(topic, "tick", first, [Sender.record(lambda s, i=index: sample_records.tick(i, s), s, args.extra_fields) for s in seqs])


def publish_sequence_events(sender, topics, args):
    """Documented receiver behaviour, exercised: duplicate, overlap, gap, restart."""
    n = args.ticks
    first, second = topics[0], topics[1]

    def ticks(index, seqs):
        return [sample_records.tick(index, s) for s in seqs]

    sender.send(first, "tick", 1, ticks(0, range(1, min(args.batch, n) + 1)))        # all already seen
    sender.send(first, "tick", n - 1, ticks(0, range(n - 1, n + 3)))                # n-1, n seen; n+1, n+2 new
    sender.send(first, "tick", n + 6, ticks(0, range(n + 6, n + 8)))                # n+3..n+5 missing
    new_session = sender.session % UINT64_MAX + 1
    sender.send(second, "tick", 1, ticks(1, range(1, 3)), session=new_session)      # a restart
    return {"duplicate": min(args.batch, n), "overlap_new": [n + 1, n + 2], "gap": [n + 3, n + 5],
            "after_gap": [n + 6, n + 7], "restart_session": new_session}


def main():
    args = parse_args()
    topics = [t for t in args.topics.split(",") if t]
    if args.sequence_events and (len(topics) < 2 or args.ticks < 2):
        sys.exit("--sequence-events needs two topics and at least two ticks")
    session = args.session or random.randrange(1, UINT64_MAX + 1)
    bad = malformed_messages.cases(args.bad_prefix) if args.bad_prefix else []
    planned = list(topics)
    planned += [args.log_topic] if args.logs else []
    planned += [args.metric_topic] if args.metrics else []
    planned += [args.custom_topic] if args.custom else []
    planned += [args.bad_prefix] if bad else []

    context = zmq.Context()
    socket = context.socket(zmq.XPUB)
    socket.setsockopt(zmq.SNDHWM, 0)  # never drop: the receiver checks every sequence number
    socket.setsockopt(zmq.LINGER, args.linger_ms)
    socket.bind(args.bind)
    emit(event="bound", endpoint=args.bind, session=session)
    prefixes = wait_for_coverage(socket, [t.encode("utf-8") for t in planned], args.wait_timeout)
    if prefixes is None:
        emit(event="timeout", waited_for=planned)
        socket.close(0)
        context.term()
        return 2
    emit(event="subscribed", prefixes=sorted(p.decode("utf-8", "replace") for p in prefixes))

    sender = Sender(socket, args.publisher, session)
    for _, frames in bad:
        socket.send_multipart(frames)
    publish_ticks(sender, topics, args)
    if args.logs:
        sender.send_stream(args.log_topic, "log", sample_records.log, args.logs, args.batch, args.extra_fields)
    if args.metrics:
        sender.send_stream(args.metric_topic, "metric", sample_records.metric, args.metrics, args.batch, args.extra_fields)
    if args.custom:
        sender.send_stream(args.custom_topic, args.custom_kind, sample_records.custom, args.custom, args.batch, False)
    events = publish_sequence_events(sender, topics, args) if args.sequence_events else None

    socket.close()  # lingers until queued messages have left
    context.term()
    emit(event="done", session=session, messages=sender.messages, records=sender.records,
         malformed=[name for name, _ in bad], sequence_events=events)
    return 0


if __name__ == "__main__":
    sys.exit(main())
