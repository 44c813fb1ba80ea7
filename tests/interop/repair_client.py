#!/usr/bin/python3
"""A libzmq XSUB that repairs a hole from a Telemetry publisher, written from docs/wire-format.md
section 14 (gap repair), not from the SDK.

Connects, subscribes --prefix, waits for live batches of --topic up to --last to learn its
publisher and session, then asks for records --first..--last of that stream: it subscribes the answer's
route `_rep.<nonce>` on the same connection, sends the request up the data connection (0x02 and a
MessagePack array), and reads batches on `_rep.<nonce>` until the end marker, keeping each record
once by its sequence number (the overlap rule). Then it asks once more with version 2 (expecting
"unsupported") and for a stream nobody has (expecting "unknown"). Prints one JSON line per
request: {"event": "answer", "nonce", "outcome", "sequences": [first, last, count], "ticks": [...]}.
"""

import argparse
import json
import os
import sys
import time

import msgpack
import zmq

from telemetry_wire import decode_message


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connect", required=True)
    parser.add_argument("--prefix", default="md.")
    parser.add_argument("--topic", required=True)
    parser.add_argument("--first", type=int, required=True)
    parser.add_argument("--last", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=20.0)
    return parser.parse_args()


def request(sock, version, nonce, publisher, session, topic, first, last):
    route = ("_rep." + nonce).encode("utf-8")
    sock.send(b"\x01" + route)  # the answer's route first: one connection keeps the order
    body = [version, nonce, publisher, session, topic, first, last, None]
    sock.send(b"\x02" + msgpack.packb(body, use_bin_type=True))
    return route


def read_answer(sock, route, deadline):
    """Batches on the route until the end marker: (outcome, {sequence: record})."""
    records = {}
    while time.monotonic() < deadline:
        if not sock.poll(100):
            continue
        frames = sock.recv_multipart()
        if len(frames) != 2 or frames[0] != route:
            continue  # live data of the subscribed prefix
        decoded = msgpack.unpackb(frames[1], raw=False)
        if len(decoded) == 3 and decoded[1] == "end":
            return decoded[2], records
        _, envelope, problem = decode_message([frames[0], frames[1]])
        if problem:
            print(json.dumps({"event": "invalid", "problem": problem}), flush=True)
            continue
        first_seq, batch = envelope[2], envelope[5]
        for i, record in enumerate(batch):
            records.setdefault(first_seq + i, record)
    return "no answer", records


def main():
    args = parse_args()
    context = zmq.Context()
    sock = context.socket(zmq.XSUB)
    sock.connect(args.connect)
    sock.send(b"\x01" + args.prefix.encode("utf-8"))
    print(json.dumps({"event": "subscribed"}), flush=True)
    deadline = time.monotonic() + args.timeout
    # A subscriber asks for a hole it has seen, so records after it: wait until the live stream is
    # past --last (asked any earlier, the rest of the range is not published yet and the answer is
    # rightly not "ok").
    publisher = session = None
    newest = 0
    while newest < args.last and time.monotonic() < deadline:
        if sock.poll(100):
            topic, envelope, problem = decode_message(sock.recv_multipart())
            if problem is None and topic == args.topic:
                publisher, session = envelope[0], envelope[1]
                newest = max(newest, envelope[2] + len(envelope[5]) - 1)
    if newest < args.last:
        print(json.dumps({"event": "error", "problem": f"the live stream of the topic did not pass {args.last}"}), flush=True)
        return 1

    asks = [
        (1, publisher, session, args.topic),
        (2, publisher, session, args.topic),
        (1, "nobody", 1, args.topic),
    ]
    for version, who, sess, topic in asks:
        nonce = os.urandom(12).hex()
        route = request(sock, version, nonce, who, sess, topic, args.first, args.last)
        outcome, records = read_answer(sock, route, time.monotonic() + args.timeout)
        sock.send(b"\x00" + route)
        wanted = sorted(s for s in records if args.first <= s <= args.last)
        print(json.dumps({
            "event": "answer",
            "version": version,
            "publisher": who,
            "outcome": outcome,
            "sequences": [wanted[0], wanted[-1], len(wanted)] if wanted else [],
            "exchange_ts": [records[s][0] for s in wanted],
        }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
