#!/usr/bin/python3
"""libzmq epgm peer for the PGM transport tests (Telemetry wire v1 inside libzmq's PGM framing).

  pgm_peer.py pub --endpoint epgm://10.231.7.1;239.192.7.1:5600 --ticks 2000 --batch 16
      PUB: publishes ticks 1..N per topic (sample_records.tick) in batches, then lingers so that
      receivers can still have losses repaired, and exits. stdout: {"event":"done",...}.
  pgm_peer.py sub --endpoint ... --records 6000 [--prefix md.]
      SUB: receives until that many records arrived (or --timeout), validates every message, tracks
      sequence numbers per (publisher, session, topic) and prints {"event":"summary",...}: records,
      per-stream first/next/records and the gaps seen. Prints {"event":"ready"} once joined.

--rate (kbit/s) and --recovery-ms map to ZMQ_RATE and ZMQ_RECOVERY_IVL, on both sides.
Run with Debian's /usr/bin/python3 (python3-zmq built with PGM, python3-msgpack).
"""

import argparse
import json
import random
import time

import zmq

import sample_records
from telemetry_wire import UINT64_MAX, decode_message, encode_batch


def emit(**fields):
    print(json.dumps(fields), flush=True)


def socket_for(kind, args):
    context = zmq.Context()
    socket = context.socket(kind)
    socket.setsockopt(zmq.RATE, args.rate)
    socket.setsockopt(zmq.RECOVERY_IVL, args.recovery_ms)
    return socket


def publish(args):
    socket = socket_for(zmq.PUB, args)
    socket.setsockopt(zmq.SNDHWM, 0)
    socket.setsockopt(zmq.LINGER, args.linger_ms)
    socket.connect(args.endpoint)
    time.sleep(args.start_delay)
    topics = [t for t in args.topics.split(",") if t]
    session = random.randrange(1, UINT64_MAX + 1)
    messages = 0
    started = time.monotonic()
    for first in range(1, args.ticks + 1, args.batch):
        for index, topic in enumerate(topics):
            seqs = range(first, min(first + args.batch, args.ticks + 1))
            body = encode_batch(args.publisher, session, first, time.time_ns(), "tick", [sample_records.tick(index, s) for s in seqs])
            socket.send_multipart([topic.encode("utf-8"), body])
            messages += 1
    elapsed = time.monotonic() - started
    emit(event="done", messages=messages, records=args.ticks * len(topics), session=session, seconds=elapsed)
    time.sleep(args.linger_ms / 1000)
    socket.close()


def subscribe(args):
    socket = socket_for(zmq.SUB, args)
    socket.setsockopt(zmq.RCVHWM, 0)
    for prefix in args.prefix or [""]:
        socket.setsockopt(zmq.SUBSCRIBE, prefix.encode("utf-8"))
    socket.connect(args.endpoint)
    time.sleep(0.3)
    emit(event="ready")
    streams, gaps, errors = {}, [], []
    records = messages = 0
    first_at = last_at = None
    deadline = time.monotonic() + args.timeout
    while records < args.records and time.monotonic() < deadline:
        if not socket.poll(100):
            continue
        frames = socket.recv_multipart()
        last_at = time.monotonic()
        first_at = first_at or last_at
        messages += 1
        topic, envelope, problem = decode_message(frames)
        if problem:
            errors.append(problem)
            continue
        publisher, session, first_seq, _, _, batch = envelope
        key = f"{publisher}|{session}|{topic}"
        stream = streams.setdefault(key, {"topic": topic, "first": first_seq, "next": first_seq, "records": 0})
        if first_seq > stream["next"]:
            gaps.append([topic, stream["next"], first_seq - 1])
        stream["next"] = max(stream["next"], first_seq + len(batch))
        stream["records"] += len(batch)
        records += len(batch)
    seconds = (last_at - first_at) if first_at and last_at else 0
    emit(event="summary", records=records, messages=messages, streams=list(streams.values()), gaps=gaps,
         errors=errors[:20], seconds=seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["pub", "sub"])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--rate", type=int, default=100_000, help="kbit/s")
    parser.add_argument("--recovery-ms", type=int, default=3_000)
    parser.add_argument("--topics", default="md.SIM.AAA,md.SIM.BBB,md.SIM.CCC")
    parser.add_argument("--ticks", type=int, default=1000, help="ticks per topic")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--publisher", default="py-epgm")
    parser.add_argument("--start-delay", type=float, default=0.5)
    parser.add_argument("--linger-ms", type=int, default=3_000)
    parser.add_argument("--prefix", action="append")
    parser.add_argument("--records", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    publish(args) if args.mode == "pub" else subscribe(args)


if __name__ == "__main__":
    main()
