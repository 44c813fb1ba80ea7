"""Telemetry wire protocol v1 (docs/wire-format.md) for the interop scripts: encoding and validation.

Written from the document, not from the SDK, so the scripts test the document as much as the SDK.
"""

import msgpack

VERSION = 1
ENVELOPE_FIELDS = 7
MAX_TOPIC_BYTES = 1024
MAX_PUBLISHER_BYTES = 256
MAX_KIND_BYTES = 64
MAX_SCALE = 18

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1
UINT64_MAX = 2 ** 64 - 1
UINT32_MAX = 2 ** 32 - 1

TICK_FIELDS = 8
LOG_FIELDS = 6
METRIC_FIELDS = 4
LOG_LEVEL_MAX = 5


def encode_batch(publisher, session, first_seq, sent_ns, kind, records):
    """Frame 1: the envelope with its records. use_bin_type=True keeps str as MessagePack str."""
    return msgpack.packb([VERSION, publisher, session, first_seq, sent_ns, kind, records], use_bin_type=True)


def is_int(value, low, high):
    # bool is an int subclass in Python, but MessagePack true/false are not integers.
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def is_str(value, max_bytes, allow_empty=False):
    if not isinstance(value, str):
        return False
    size = len(value.encode("utf-8"))
    return (allow_empty or size > 0) and size <= max_bytes


def is_string_map(value):
    return value is None or (isinstance(value, dict) and all(isinstance(k, str) for k in value))


def tick_problem(record):
    """None if the tick is valid, else why not."""
    if not isinstance(record, list) or len(record) < TICK_FIELDS:
        return "tick is not an array of at least 8 fields"
    ts, price, bid, ask, size, price_scale, size_scale, flags = record[:TICK_FIELDS]
    for name, value in (("exchange_ts_ns", ts), ("price", price), ("bid", bid), ("ask", ask), ("size", size)):
        if not is_int(value, INT64_MIN, INT64_MAX):
            return f"tick {name} {value!r} is not an int64"
    for name, value in (("price_scale", price_scale), ("size_scale", size_scale)):
        if not is_int(value, 0, MAX_SCALE):
            return f"tick {name} {value!r} is not 0..18"
    if not is_int(flags, 0, UINT32_MAX):
        return f"tick flags {flags!r} is not a uint32"
    # Fields added later in version 1, each present only if the writer sent it.
    later = record[TICK_FIELDS:TICK_FIELDS + 4]
    for name, value in zip(("bid_size", "ask_size"), later[:2]):
        if value is not None and not is_int(value, INT64_MIN, INT64_MAX):
            return f"tick {name} {value!r} is not an int64 or nil"
    if len(later) > 2 and not (isinstance(later[2], str) and len(later[2]) <= 8 and all("!" <= c <= "~" for c in later[2])):
        return f"tick venue {later[2]!r} is not 0..8 printable ASCII characters"
    if len(later) > 3 and not is_int(later[3], 0, 255):
        return f"tick status {later[3]!r} is not 0..255"
    return None


def log_problem(record):
    if not isinstance(record, list) or len(record) < LOG_FIELDS:
        return "log record is not an array of at least 6 fields"
    ts, level, category, message, exception, properties = record[:LOG_FIELDS]
    if not is_int(ts, INT64_MIN, INT64_MAX):
        return f"log timestamp_ns {ts!r} is not an int64"
    if not is_int(level, 0, LOG_LEVEL_MAX):
        return f"log level {level!r} is not 0..5"
    if not isinstance(category, str) or not isinstance(message, str):
        return "log category or message is not a string"
    if exception is not None and not isinstance(exception, str):
        return "log exception is neither a string nor nil"
    if not is_string_map(properties):
        return "log properties is neither a map with string keys nor nil"
    return None


def metric_problem(record):
    if not isinstance(record, list) or len(record) < METRIC_FIELDS:
        return "metric sample is not an array of at least 4 fields"
    name, labels, value, ts = record[:METRIC_FIELDS]
    if not is_str(name, 2 ** 32):
        return f"metric name {name!r} is not a non-empty string"
    if not is_string_map(labels):
        return "metric labels is neither a map with string keys nor nil"
    if not isinstance(value, float):
        return f"metric value {value!r} is not a float64"
    if not is_int(ts, INT64_MIN, INT64_MAX):
        return f"metric timestamp_ns {ts!r} is not an int64"
    # Fields added later in version 1, each present only if the writer sent it.
    later = record[METRIC_FIELDS:METRIC_FIELDS + 2]
    if len(later) > 0 and not is_int(later[0], 0, 255):
        return f"metric type {later[0]!r} is not 0..255"
    if len(later) > 1 and not (later[1] is None or is_str(later[1], 64)):
        return f"metric unit {later[1]!r} is neither nil nor a string of at most 64 bytes"
    return None


RECORD_CHECKS = {"tick": tick_problem, "log": log_problem, "metric": metric_problem}


def decode_message(frames):
    """Validates one ZeroMQ message; returns (topic, envelope fields, None) or (None, None, problem)."""
    if len(frames) != 2:
        return None, None, f"{len(frames)} frames, expected 2"
    topic_bytes, body = frames
    if not 1 <= len(topic_bytes) <= MAX_TOPIC_BYTES:
        return None, None, f"topic of {len(topic_bytes)} bytes"
    try:
        topic = topic_bytes.decode("utf-8")
        envelope = msgpack.unpackb(body, raw=False, strict_map_key=False)
    except (UnicodeDecodeError, ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as error:
        return None, None, f"undecodable: {error}"
    if not isinstance(envelope, list) or len(envelope) != ENVELOPE_FIELDS:
        return None, None, "envelope is not an array of 7"
    version, publisher, session, first_seq, sent_ns, kind, records = envelope
    problem = None
    if not is_int(version, 0, UINT64_MAX) or version != VERSION:
        problem = f"version {version!r}"
    elif not is_str(publisher, MAX_PUBLISHER_BYTES):
        problem = f"publisher {publisher!r}"
    elif not is_int(session, 0, UINT64_MAX):
        problem = f"session {session!r} is not a uint64"
    elif not is_int(first_seq, 1, UINT64_MAX):
        problem = f"first_seq {first_seq!r} is not a uint64 >= 1"
    elif not is_int(sent_ns, INT64_MIN, INT64_MAX):
        problem = f"sent_ns {sent_ns!r} is not an int64"
    elif not is_str(kind, MAX_KIND_BYTES):
        problem = f"kind {kind!r}"
    elif not isinstance(records, list):
        problem = "records is not an array"
    elif first_seq + len(records) - 1 > UINT64_MAX:
        problem = "sequence numbers overflow uint64"
    else:
        check = RECORD_CHECKS.get(kind)
        for index, record in enumerate(records if check else []):
            record_problem = check(record)
            if record_problem:
                problem = f"record {index}: {record_problem}"
                break
    if problem:
        return None, None, problem
    return topic, (publisher, session, first_seq, sent_ns, kind, records), None
