using Microsoft.Extensions.Logging;
using Telemetry.Internal;
using Telemetry.Transport.Pgm;
using Telemetry.Wire;

namespace Telemetry.Subscribing;

/// <summary>
/// Merges live batches, snapshot records and repair answers of a stream that has holes, so that
/// every record is delivered once: a batch's records that fill a hole are delivered (marked
/// repaired when they came in an answer), records already delivered are dropped as duplicates,
/// new records move the stream on. A held stream (<see cref="GapRepair.Hold"/>) keeps later records
/// back until the hole before them is filled or given up, so its records reach the application in
/// order; bounded by <see cref="SubscriberOptions.MaxHeldBytes"/> and the repair timeout. Only what
/// is given up is reported as a gap, with its exact range. Used on the receive thread only.
/// </summary>
internal sealed class GapRecovery(SubscriberOptions options, BatchConsumers consumers, SubscriberCounters counters, RejectedInput rejected, ILogger logger, Action<GapEventArgs> gap)
{
    private readonly long _delayMs = (long)options.ResolveRepairDelay().TotalMilliseconds;

    /// <summary>Asks the snapshot service for a topic's current value; null when the subscriber has no snapshot service.</summary>
    public Action<string>? Resync { get; set; }

    /// <summary>Asks for the holes; set once after construction (the two refer to each other).</summary>
    public RepairClient Client { get; set; } = null!;

    /// <summary>
    /// Repair needs a connection to send up: a subscriber that only receives epgm:// groups has none
    /// (multicast repairs itself, with PGM's NAKs), so there every hole is reported at once.
    /// </summary>
    public bool Enabled { get; } = options.GapRepair != GapRepair.Off && (options.Bind.Any(e => !PgmEndpoint.IsPgm(e)) || options.Connect.Any(e => !PgmEndpoint.IsPgm(e)));

    /// <summary>A live batch opened a hole <paramref name="expected"/>..first-1 (the tracker has moved the stream past the batch).</summary>
    public void OnGap(StreamTracker.Stream stream, in Envelope envelope, ReadOnlyMemory<byte> records, ulong expected)
    {
        bool hold = options.GapRepair == GapRepair.Hold || (options.GapRepair == GapRepair.ByKind && stream.Kind == "log");
        var recovery = stream.Recovery = new StreamRecovery(hold, expected);
        recovery.AddHole(expected, envelope.FirstSequence, Environment.TickCount64 + _delayMs);
        if (envelope.Count > 0)
        {
            Place(stream, envelope.FirstSequence, envelope.FirstSequence, envelope.FirstSequence + (ulong)envelope.Count, envelope.SentUnixNs, records, repaired: false);
        }

        Client.Track(stream);
    }

    /// <summary>A batch (live, snapshot or repair answer) of a stream that has holes, from the same session.</summary>
    public void Accept(StreamTracker.Stream stream, in Envelope envelope, ReadOnlyMemory<byte> records, bool repaired)
    {
        var recovery = stream.Recovery!;
        ulong first = envelope.FirstSequence, end = first + (ulong)envelope.Count;
        ulong next = stream.NextSequence;

        // What fills holes below the stream's head.
        long filled = 0;
        ulong below = Math.Min(end, next);
        for (int i = recovery.FirstEndingAfter(first); i < recovery.Holes.Count && recovery.Holes[i].First < below; i++)
        {
            var hole = recovery.Holes[i];
            ulong a = Math.Max(first, hole.First), b = Math.Min(hole.End, below);
            if (a >= b)
            {
                continue;
            }

            // The hole at i is removed or keeps only a part beyond this batch: look at i again.
            recovery.Close(a, b);
            i--;
            filled += (long)(b - a);
            if (repaired)
            {
                counters.Repaired += (long)(b - a);
            }

            Place(stream, first, a, b, envelope.SentUnixNs, records, repaired);
        }

        // What moves the stream on.
        long fresh = 0;
        if (end > next || (envelope.Count == 0 && first > next))
        {
            if (first > next)
            {
                recovery.AddHole(next, first, Environment.TickCount64 + _delayMs);
                if (recovery.Holes.Count > StreamRecovery.MaxHoles)
                {
                    var oldest = recovery.Holes[0];
                    GiveUp(stream, oldest.First, oldest.End, "too many holes");
                }
            }

            ulong a = Math.Max(first, next);
            stream.NextSequence = Math.Max(end, first);
            if (end > a)
            {
                fresh = (long)(end - a);
                Place(stream, first, a, end, envelope.SentUnixNs, records, repaired);
            }
        }

        counters.Duplicates += envelope.Count - filled - fresh;
        Drain(stream);
        EnforceHeldBound(stream);
        Client.Track(stream);
    }

    /// <summary>Reports what is still missing of <paramref name="first"/>..<paramref name="end"/> (exclusive) as gaps and lets a held stream go on.</summary>
    public void GiveUp(StreamTracker.Stream stream, ulong first, ulong end, string why)
    {
        var recovery = stream.Recovery;
        if (recovery is null)
        {
            return;
        }

        recovery.Close(first, end, (a, b) =>
        {
            counters.Gaps++;
            counters.Missing += (long)(b - a);
            Log.RepairFailed(logger, stream.Topic, stream.Publisher, a, b - 1, why);
            gap(new GapEventArgs(stream.Topic, stream.Publisher, stream.Session, a, b - 1));

            // The latest value itself was lost (a tail no window holds): a price board needs the
            // current value, not only the news that it is missing. The snapshot service has it.
            if (!recovery.Hold && b >= stream.NextSequence && Resync is { } resync)
            {
                stream.ResyncFrom = a;
                stream.ResyncEnd = b;
                counters.ResyncRequests++;
                resync(stream.Topic);
            }
        });
        Drain(stream);
    }

    /// <summary>Gives every hole up (a new session: the old one's missing records will not come) and delivers what was held.</summary>
    public void GiveUpAll(StreamTracker.Stream stream, string why)
    {
        GiveUp(stream, 0, ulong.MaxValue, why);
        stream.Recovery = null;
    }

    /// <summary>Delivers records <paramref name="from"/>..<paramref name="to"/> of a batch (whose first record is <paramref name="batchFirst"/>), or holds them.</summary>
    private void Place(StreamTracker.Stream stream, ulong batchFirst, ulong from, ulong to, long sentNs, ReadOnlyMemory<byte> records, bool repaired)
    {
        if (!BoundedSkip.TrySlice(records, (int)(from - batchFirst), (int)(to - from), out var slice))
        {
            rejected.Add(DecodeError.BadRecord);
            return;
        }

        var recovery = stream.Recovery!;
        if (!recovery.Hold || from == recovery.Delivered && !HoleAt(recovery, from))
        {
            if (recovery.Hold)
            {
                recovery.Delivered = to;
            }

            Deliver(stream, from, (int)(to - from), sentNs, slice, repaired);
            return;
        }

        recovery.AddHeld(new StreamRecovery.HeldRecords(from, (int)(to - from), sentNs, repaired, slice.ToArray()));
    }

    /// <summary>Held streams: delivers held records from the head on, until a hole that is still open.</summary>
    private void Drain(StreamTracker.Stream stream)
    {
        var recovery = stream.Recovery;
        if (recovery is null)
        {
            return;
        }

        while (recovery.Hold)
        {
            ulong nextHole = recovery.Holes.Count > 0 ? recovery.Holes[0].First : ulong.MaxValue;
            if (nextHole <= recovery.Delivered)
            {
                break; // the head waits for its repair
            }

            if (recovery.Held.Count > 0 && recovery.Held[0].First <= nextHole)
            {
                // Held records before the next open hole; between them and the last delivered
                // there is only what was given up (already reported).
                var held = recovery.Held[0];
                recovery.RemoveFirstHeld();
                if (held.End > recovery.Delivered)
                {
                    Deliver(stream, held.First, held.Count, held.SentUnixNs, held.Bytes, held.Repaired);
                    recovery.Delivered = held.End;
                }

                continue;
            }

            recovery.Delivered = nextHole != ulong.MaxValue ? nextHole : Math.Max(recovery.Delivered, stream.NextSequence);
            if (nextHole == ulong.MaxValue)
            {
                break;
            }
        }

        if (recovery.Holes.Count == 0 && recovery.Held.Count == 0)
        {
            stream.Recovery = null;
            Client.Untrack(stream);
        }
    }

    private void EnforceHeldBound(StreamTracker.Stream stream)
    {
        while (stream.Recovery is { Hold: true } recovery && recovery.HeldBytes > options.MaxHeldBytes && recovery.Holes.Count > 0)
        {
            var head = recovery.Holes[0];
            GiveUp(stream, head.First, head.End, "held records over MaxHeldBytes");
        }
    }

    private static bool HoleAt(StreamRecovery recovery, ulong sequence) =>
        recovery.Holes.Count > 0 && recovery.Holes[0].First <= sequence && sequence < recovery.Holes[0].End;

    private void Deliver(StreamTracker.Stream stream, ulong first, int count, long sentNs, ReadOnlyMemory<byte> records, bool repaired)
    {
        var header = new BatchHeader(stream.Topic, stream.Publisher, stream.Session, first, sentNs, stream.Kind, count, repaired);
        consumers.Deliver(new RecordBatch(header, records));
    }
}
