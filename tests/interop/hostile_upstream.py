#!/usr/bin/python3
"""A hostile libzmq upstream for a relay: good batches interleaved with every malformed case.

  hostile_upstream.py tcp --bind tcp://127.0.0.1:PORT [--rounds N] [--max-topic-bytes B]
      XPUB (what a relay's XSUB connects to): waits for the relay's subscription, then sends.
  hostile_upstream.py epgm --endpoint "epgm://10.231.7.1;239.192.7.1:5600" [...]
      PUB on a multicast group (what a relay's epgm:// upstream joins), after --start-delay.

Each round sends, one after the other: a good one-tick batch on md.OK (sequence numbers 1, 2, ...
over the whole run), then one attack, for every attack: the malformed_messages cases (topics under
md.BAD.) and valid batches under topics of every size class up to --max-topic-bytes (0, 1025,
then powers of two; 1,024 bytes is the largest valid topic and is sent as good data on its own
stream, md.EDGE...). stdout: {"event":"ready"} once sending starts, then {"event":"done", ...}
with the counts a receiver below the relay must see.
"""

import argparse
import json
import time

import zmq

import malformed_messages
from telemetry_wire import encode_batch

GOOD_TICK = malformed_messages.GOOD_TICK


def emit(**fields):
    print(json.dumps(fields), flush=True)


def tick_batch(seq, publisher="py-hostile"):
    return encode_batch(publisher, 42, seq, time.time_ns(), "tick", [[seq] + GOOD_TICK[1:]])


def topic_of(size, fill=b"x"):
    """A topic of exactly `size` bytes under md. (so a relay subscribed to "" or "md." forwards it)."""
    return b"" if size == 0 else (b"md." + fill * size)[:size]


def attacks(max_topic_bytes, round_):
    """(name, frames, level): level 'relay' = the relay must refuse it, 'record' = it passes the relay."""
    # Two sequence numbers a round: the truncated case carries two records.
    out = [(name, frames, "record" if name in malformed_messages.RECORD_LEVEL else "relay")
           for name, frames in malformed_messages.cases("md.BAD.", first_seq=1 + 2 * round_)]
    sizes = [0, 1025]
    size = 2048
    while size <= max_topic_bytes:
        sizes.append(size)
        size *= 2
    if sizes[-1] != max_topic_bytes and max_topic_bytes > 1025:
        sizes.append(max_topic_bytes)
    for size in sizes:
        out.append((f"topic-{size}-bytes", [topic_of(size), tick_batch(1, "py-big")], "relay"))
    return out


def run(socket, args):
    cases = attacks(args.max_topic_bytes, 0)
    seq = 0
    edge_seq = 0
    for round_ in range(args.rounds):
        for _name, frames, _level in attacks(args.max_topic_bytes, round_):
            seq += 1
            socket.send_multipart([b"md.OK", tick_batch(seq)])
            socket.send_multipart(frames)
        edge_seq += 1
        socket.send_multipart([topic_of(1024, b"e"), tick_batch(edge_seq, "py-edge")])
    seq += 1
    socket.send_multipart([b"md.OK", tick_batch(seq)])  # the last message is good: once it is in, all is judged
    refused = sum(1 for c in cases if c[2] == "relay") * args.rounds
    record_level = sum(1 for c in cases if c[2] == "record") * args.rounds
    emit(event="done", good=seq, edge=edge_seq, relay_refuses=refused, record_level=record_level,
         cases=[c[0] for c in cases])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["tcp", "epgm"])
    parser.add_argument("--bind")
    parser.add_argument("--endpoint")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-topic-bytes", type=int, default=1 << 20)
    parser.add_argument("--rate", type=int, default=100_000, help="epgm: kbit/s")
    parser.add_argument("--start-delay", type=float, default=1.0)
    parser.add_argument("--linger-ms", type=int, default=30_000)
    args = parser.parse_args()
    context = zmq.Context()
    if args.mode == "tcp":
        socket = context.socket(zmq.XPUB)
        socket.setsockopt(zmq.SNDHWM, 0)  # never drop here: what the relay does is under test, not this link
        socket.bind(args.bind)
        socket.recv()  # the relay's first subscription
        time.sleep(0.2)  # its other subscriptions, if any, follow on the same connection
    else:
        socket = context.socket(zmq.PUB)
        socket.setsockopt(zmq.SNDHWM, 0)
        socket.setsockopt(zmq.RATE, args.rate)
        socket.connect(args.endpoint)
        time.sleep(args.start_delay)
    emit(event="ready")
    run(socket, args)
    socket.close(linger=args.linger_ms)
    context.term()


if __name__ == "__main__":
    main()
