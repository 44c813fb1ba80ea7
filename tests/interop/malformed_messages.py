"""Messages a conforming receiver must count as malformed and skip (docs/wire-format.md, "Bad input").

Each case uses its own topic under the given prefix, so no case shares a sequence stream with another.
"""

import msgpack

from telemetry_wire import encode_batch

GOOD_TICK = [1, 100, 99, 101, 1, 2, 0, 1]

# The cases whose envelope is sound and whose fault lies inside the records. A relay reads only the
# envelope (docs/wire-format.md, section 9), so it forwards these and the subscriber that decodes
# the records counts them; every other case is refused by the first node that receives it.
RECORD_LEVEL = {"truncated", "tick-scale-19", "tick-7-fields", "tick-price-string", "tick-price-above-int64"}


def _encode(publisher="py-bad", session=7, first_seq=1, sent_ns=1, kind="tick", records=None):
    return encode_batch(publisher, session, first_seq, sent_ns, kind, [GOOD_TICK] if records is None else records)


def cases(prefix, first_seq=1):
    """(name, frames) pairs; prefix must be what the receiver subscribed (e.g. 'md.BAD.').

    first_seq numbers the batches (but the one whose fault is a zero first_seq): a sender repeating the
    cases gives each round new numbers, so a receiver judges every round instead of dropping repeats."""
    def topic(name):
        return (prefix + name).encode("utf-8")

    def _batch(**fields):
        fields.setdefault("first_seq", first_seq)
        return _encode(**fields)

    good = _batch()
    return [
        ("one-frame", [topic("one-frame")]),
        ("three-frames", [topic("three-frames"), good, b"extra"]),
        ("bad-topic-utf8", [topic("utf8.") + b"\xff\xfe", good]),
        ("topic-too-long", [topic("long.") + b"x" * 1024, good]),
        ("not-an-array", [topic("not-an-array"), msgpack.packb({"v": 1})]),
        ("six-fields", [topic("six-fields"), msgpack.packb([1, "py-bad", 7, 1, 1, "tick"])]),
        ("version-2", [topic("version-2"), msgpack.packb([2, "py-bad", 7, 1, 1, "tick", [GOOD_TICK]])]),
        ("first-seq-0", [topic("first-seq-0"), _batch(first_seq=0)]),
        ("publisher-257-bytes", [topic("publisher-long"), _batch(publisher="p" * 257)]),
        ("publisher-empty", [topic("publisher-empty"), _batch(publisher="")]),
        ("publisher-as-bin", [topic("publisher-bin"), msgpack.packb([1, b"py-bad", 7, 1, 1, "tick", [GOOD_TICK]], use_bin_type=True)]),
        ("kind-65-bytes", [topic("kind-long"), _batch(kind="k" * 65)]),
        ("records-not-array", [topic("records-map"), msgpack.packb([1, "py-bad", 7, 1, 1, "tick", {"a": 1}])]),
        ("truncated", [topic("truncated"), _batch(records=[GOOD_TICK, GOOD_TICK])[:-3]]),
        ("tick-scale-19", [topic("scale-19"), _batch(records=[[1, 100, 99, 101, 1, 19, 0, 1]])]),
        ("tick-7-fields", [topic("tick-7"), _batch(records=[GOOD_TICK[:7]])]),
        ("tick-price-string", [topic("tick-str"), _batch(records=[[1, "100", 99, 101, 1, 2, 0, 1]])]),
        # Values that fit a MessagePack integer but not the field's type.
        ("session-negative", [topic("session-negative"), _batch(session=-1)]),
        ("sent-ns-above-int64", [topic("sent-ns-big"), _batch(sent_ns=2 ** 63)]),
        ("tick-price-above-int64", [topic("price-big"), _batch(records=[[1, 2 ** 63, 99, 101, 1, 2, 0, 1]])]),
    ]
