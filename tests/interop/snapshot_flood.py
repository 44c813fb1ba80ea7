#!/usr/bin/python3
"""Floods a snapshot service with requests that never send their barrier subscription.

  snapshot_flood.py --connect tcp://127.0.0.1:5557 [--dealers 2] [--seconds 5] [--malformed-every 100]

Each DEALER sends snapshot/1 requests with fresh nonces as fast as the service takes them (sends
that would block at the high-water mark are not made, so every request counted was handed to
ZeroMQ); every --malformed-every-th message is malformed (wrong protocol id or too few frames).
Nothing ever subscribes the barrier, so no request can be answered: a service that keeps them
unbounded, or scans them all on every round, grows and stalls. Once the time is up the sockets
linger until ZeroMQ has delivered what was sent. stdout: {"event":"done","sent":N,"malformed":M}.
"""

import argparse
import json
import os
import time

import zmq


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connect", required=True)
    parser.add_argument("--dealers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--malformed-every", type=int, default=100)
    args = parser.parse_args()
    context = zmq.Context()
    dealers = []
    for _ in range(args.dealers):
        dealer = context.socket(zmq.DEALER)
        dealer.setsockopt(zmq.LINGER, 30_000)
        dealer.connect(args.connect)
        dealers.append(dealer)
    time.sleep(0.3)
    print(json.dumps({"event": "flooding"}), flush=True)
    sent = malformed = n = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        for dealer in dealers:
            n += 1
            bad = args.malformed_every > 0 and n % args.malformed_every == 0
            if bad:
                frames = [b"snapshot/0", os.urandom(8).hex().encode(), b"md."] if n % 2 else [b"snapshot/1", b"only-a-nonce"]
            else:
                frames = [b"snapshot/1", os.urandom(12).hex().encode(), b"md."]
            try:
                dealer.send_multipart(frames, flags=zmq.NOBLOCK)
            except zmq.Again:
                continue
            sent += 1
            malformed += 1 if bad else 0
    for dealer in dealers:
        dealer.close()
    context.term()
    print(json.dumps({"event": "done", "sent": sent, "malformed": malformed}), flush=True)


if __name__ == "__main__":
    main()
