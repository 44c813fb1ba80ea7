"""Deterministic records published by publish_batches.py, so a receiver can recompute every value.

tests/Telemetry.Testing/Interop/SampleRecords.cs holds the same formulas; change both together.
"""

BASE_NS = 1_767_225_600_000_000_000  # 2026-01-01T00:00:00Z
LOG_LEVELS = 6


VENUES = ["XNAS", "XNYS", "BATS", "X"]


def tick(topic_index, seq):
    """[exchange_ts_ns, price, bid, ask, size, price_scale, size_scale, flags, bid_size, ask_size,
    venue, status] for (topic, sequence). Sequence 1 is an older writer's tick of 8 fields."""
    if seq == 1:
        # The int64 extremes: the encoder must pick uint64/int64 forms and the decoder accept them.
        return [BASE_NS + topic_index, 2 ** 63 - 1, -(2 ** 63), 0, 0, 18, 0, 0]
    if seq % 4 == 0:
        # Quote sizes, venue and status not reported: nil, nil, "", 0.
        later = [None, None, "", 0]
    else:
        later = [seq * 10, -(seq * 10) if seq % 9 == 0 else seq * 20 + 1, VENUES[seq % len(VENUES)], seq % 5]
    price = 1_000_000 * (topic_index + 1) + seq
    if seq % 10 == 0:
        price = -price  # spreads and power prices go negative
    return [
        BASE_NS + seq * 1_000 + topic_index,
        price,
        price - 1 - seq % 7,
        price + 1 + seq % 5,
        seq * 100 + topic_index,
        (topic_index * 4 + seq) % 19,
        seq % 3,
        seq % 16,
    ] + later


def log(index):
    """[timestamp_ns, level, category, message, exception, properties]."""
    return [
        BASE_NS + index,
        index % LOG_LEVELS,
        "Orders.Api",
        f"order {index} accepted \u2713",
        "System.TimeoutException: late" if index % 2 else None,
        {"order": str(index), "attempt": index} if index % 3 else None,
    ]


def metric(index):
    """[name, labels, value, timestamp_ns, type, unit]: a counter (type 1), in seconds for odd indexes."""
    return ["cpu_seconds_total", {"host": "py-host", "core": str(index)} if index % 2 else None, index + 0.1, BASE_NS + index,
            1, "s" if index % 2 else None]


def custom(index):
    """An application's own kind: any MessagePack value per record, here [id, side, qty]."""
    return [index, "buy" if index % 2 else "sell", index * 10]


EXTRA_FIELD = {"added-in": "v1.1"}


def with_extra(record, seq):
    """Even sequence numbers carry a trailing field a later minor revision might add."""
    return record + [EXTRA_FIELD, "x"] if seq % 2 == 0 else record
