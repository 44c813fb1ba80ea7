#!/usr/bin/python3
"""A libzmq SUB that checks a Telemetry publisher against docs/wire-format.md.

Connects, subscribes the given prefixes, receives until --records records have arrived, and
validates every message: 2 frames, topic under a subscribed prefix, envelope types and limits,
version 1, record fields of the known kinds, and sequence continuity per (publisher, session,
topic): the first batch of a stream is its baseline, every later batch must start where the last
one ended. Prints one JSON summary on stdout; exit 0 if everything was valid and enough records
arrived, 1 otherwise. Run with Debian's /usr/bin/python3 (python3-zmq, python3-msgpack).
"""

import argparse
import json
import sys
import time

import zmq

from telemetry_wire import decode_message

MAX_REPORTED_ERRORS = 20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connect", required=True, help="e.g. tcp://127.0.0.1:5600")
    parser.add_argument("--prefix", action="append", default=None, help="topic prefix to subscribe; repeatable (default: everything)")
    parser.add_argument("--records", type=int, required=True, help="stop once this many records have arrived")
    parser.add_argument("--expect-first-seq", type=int, default=None,
                        help="every stream must start at this sequence number (1 when nothing was sent before we subscribed)")
    parser.add_argument("--timeout", type=float, default=60.0, help="give up (exit 1) after this many seconds")
    return parser.parse_args()


class Stream:
    def __init__(self, topic, publisher, session, kind, first_seq):
        self.topic, self.publisher, self.session, self.kind = topic, publisher, session, kind
        self.first_seq = first_seq
        self.next_seq = first_seq
        self.records = 0
        self.sums = [0] * 5  # exchange_ts_ns, price, bid, ask, size (ticks only)
        self.first_record = None
        self.last_record = None

    def add(self, first_seq, records):
        self.next_seq = first_seq + len(records)
        self.records += len(records)
        if records:
            self.first_record = self.first_record or records[0]
            self.last_record = records[-1]
        if self.kind == "tick":
            for record in records:
                for i in range(5):
                    self.sums[i] += record[i]

    def summary(self):
        return {"topic": self.topic, "publisher": self.publisher, "session": self.session, "kind": self.kind,
                "first_seq": self.first_seq, "last_seq": self.next_seq - 1, "records": self.records,
                "sums": self.sums, "first_record": self.first_record, "last_record": self.last_record}


class Checker:
    def __init__(self, prefixes, expect_first_seq):
        self.prefixes = [p.encode("utf-8") for p in prefixes]
        self.expect_first_seq = expect_first_seq
        self.streams = {}
        self.messages = 0
        self.records = 0
        self.restarts = 0
        self.errors = []
        self.error_count = 0

    def error(self, text):
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(f"message {self.messages}: {text}")

    def check(self, frames):
        self.messages += 1
        topic, envelope, problem = decode_message(frames)
        if problem:
            self.error(problem)
            return
        if not any(frames[0].startswith(p) for p in self.prefixes):
            self.error(f"topic {topic!r} matches no subscribed prefix")
        publisher, session, first_seq, _, kind, records = envelope
        self.records += len(records)
        stream = self.streams.get((publisher, topic))
        if stream is None or stream.session != session:
            self.restarts += stream is not None
            if self.expect_first_seq is not None and first_seq != self.expect_first_seq:
                self.error(f"{topic} of {publisher} starts at {first_seq}, expected {self.expect_first_seq}")
            stream = Stream(topic, publisher, session, kind, first_seq)
            self.streams[(publisher, topic)] = stream
        elif first_seq != stream.next_seq:
            what = "gap" if first_seq > stream.next_seq else "duplicate or overlap"
            self.error(f"{what} on {topic} of {publisher}: expected {stream.next_seq}, got {first_seq}")
        elif kind != stream.kind:
            self.error(f"{topic} of {publisher} changed kind from {stream.kind} to {kind}")
        stream.add(first_seq, records)

    def summary(self, wanted):
        ok = self.error_count == 0 and self.records >= wanted
        return {"ok": ok, "messages": self.messages, "records": self.records, "restarts": self.restarts,
                "error_count": self.error_count, "errors": self.errors,
                "streams": [s.summary() for s in sorted(self.streams.values(), key=lambda s: (s.topic, s.publisher))]}


def main():
    args = parse_args()
    prefixes = args.prefix if args.prefix is not None else [""]
    checker = Checker(prefixes, args.expect_first_seq)
    context = zmq.Context()
    socket = context.socket(zmq.SUB)
    socket.setsockopt(zmq.LINGER, 0)
    socket.setsockopt(zmq.RCVHWM, 0)
    for prefix in prefixes:
        socket.setsockopt(zmq.SUBSCRIBE, prefix.encode("utf-8"))
    socket.connect(args.connect)
    deadline = time.monotonic() + args.timeout
    try:
        while checker.records < args.records:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1):
                checker.error(f"timed out after {args.timeout} s with {checker.records} of {args.records} records")
                break
            checker.check(socket.recv_multipart())
    finally:
        socket.close()
        context.term()
    summary = checker.summary(args.records)
    print(json.dumps(summary), flush=True)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
