#!/usr/bin/python3
"""libzmq (pyzmq) CURVE peers for the security tests.

  sub  --connect EP --server-key Z85 --prefix P --records N
       A CURVE SUB with an ephemeral key pair: receives until N records arrived (or --timeout) and
       prints {"event": "done", "records": R, "topics": [...]}.
  xpub --bind EP --secret-key Z85 --topic T --records N
       A CURVE XPUB server: prints {"event": "bound"}, waits for a subscription covering T, publishes
       N tick records in batches of 10 (wire v1) and prints {"event": "done", "subscriptions": [...]}.

Exit 0 on success, 1 on timeout. Run with Debian's /usr/bin/python3 (python3-zmq, python3-msgpack).
"""

import argparse
import json
import time

import zmq

import sample_records
from telemetry_wire import decode_message, encode_batch


def emit(**fields):
    print(json.dumps(fields), flush=True)


def run_sub(args, context):
    socket = context.socket(zmq.SUB)
    public, secret = zmq.curve_keypair()
    socket.curve_publickey, socket.curve_secretkey = public, secret
    socket.curve_serverkey = args.server_key.encode("ascii")
    socket.connect(args.connect)
    for prefix in args.prefix or [""]:
        socket.setsockopt(zmq.SUBSCRIBE, prefix.encode("utf-8"))
    emit(event="connected")
    records, topics = 0, set()
    deadline = time.monotonic() + args.timeout
    while records < args.records and time.monotonic() < deadline:
        if socket.poll(100):
            frames = socket.recv_multipart()
            topic, envelope, problem = decode_message(frames)
            if problem is None:
                records += len(envelope[5])
                topics.add(topic)
    emit(event="done", records=records, topics=sorted(topics))
    return 0 if records >= args.records else 1


def run_xpub(args, context):
    socket = context.socket(zmq.XPUB)
    socket.curve_server = True
    socket.curve_secretkey = args.secret_key.encode("ascii")
    socket.linger = 5000
    socket.bind(args.bind)
    emit(event="bound")
    subscriptions = []
    deadline = time.monotonic() + args.timeout
    while not any(args.topic.encode("utf-8").startswith(s) for s in subscriptions):
        if time.monotonic() > deadline:
            emit(event="done", subscriptions=[s.decode("utf-8", "replace") for s in subscriptions])
            return 1
        if socket.poll(100):
            message = socket.recv()
            if message[:1] == b"\x01":
                subscriptions.append(message[1:])
    for first in range(1, args.records + 1, 10):
        batch = [sample_records.tick(0, seq) for seq in range(first, min(first + 10, args.records + 1))]
        socket.send_multipart([args.topic.encode("utf-8"), encode_batch("py-curve", 7, first, time.time_ns(), "tick", batch)])
    emit(event="done", subscriptions=[s.decode("utf-8", "replace") for s in subscriptions])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("role", choices=["sub", "xpub"])
    parser.add_argument("--connect")
    parser.add_argument("--bind")
    parser.add_argument("--server-key")
    parser.add_argument("--secret-key")
    parser.add_argument("--prefix", action="append")
    parser.add_argument("--topic", default="md.PY.AAA")
    parser.add_argument("--records", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    context = zmq.Context()
    try:
        return run_sub(args, context) if args.role == "sub" else run_xpub(args, context)
    finally:
        context.destroy(linger=5000)


if __name__ == "__main__":
    raise SystemExit(main())
