using Microsoft.Extensions.Logging;
using Telemetry.Internal;

namespace Telemetry.Subscribing;

/// <summary>
/// A subscriber's side of the conflated feed (<see cref="SubscriberOptions.Conflation"/>): which
/// streams take their sequence jumps as conflation rather than loss, and, under
/// <see cref="Conflation.WhenBehind"/>, the switch of a prefix to the conflated feed when one of its
/// streams loses records, and back after <see cref="HoldMs"/>. A node's XPUB drops for a slow peer
/// without telling anyone, so the peer's own view of its streams is the only place "behind" shows.
/// Used on the receive thread only.
/// </summary>
internal sealed class ConflationSwitch(Conflation mode, PrefixSubscriptions prefixes, SubscriberCounters counters, ILogger logger)
{
    /// <summary>How long a prefix stays on the conflated feed once it fell behind.</summary>
    public const long HoldMs = 5_000;

    // After a prefix returns to every record, its first batches may jump past the last conflated
    // value (what the node sent between the two feeds): such jumps neither count as falling behind
    // nor switch it back at once.
    private const long GraceMs = 1_000;

    private readonly Dictionary<string, long> _conflatedSince = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _graceUntil = new(StringComparer.Ordinal);

    /// <summary>Whether the subscriber ever switches, so the owner knows to call <see cref="Tick"/>.</summary>
    public bool Switches => mode == Conflation.WhenBehind;

    /// <summary>True when a jump in <paramref name="stream"/> is conflation, not loss: every stream under <see cref="Conflation.Always"/>, every non-log stream under <see cref="Conflation.WhenBehind"/>.</summary>
    public bool Applies(StreamTracker.Stream stream) =>
        mode == Conflation.Always || (mode == Conflation.WhenBehind && stream.Kind != "log");

    /// <summary>A stream to which conflation applies jumped by <paramref name="skipped"/> records: counted, and under WhenBehind its prefix takes the conflated feed.</summary>
    public void OnJump(StreamTracker.Stream stream, long skipped)
    {
        counters.FeedConflated += skipped;
        if (mode != Conflation.WhenBehind || prefixes.Covering(stream.Topic) is not { } prefix || _conflatedSince.ContainsKey(prefix))
        {
            return;
        }

        long now = Environment.TickCount64;
        if (_graceUntil.TryGetValue(prefix, out long until) && now < until)
        {
            return;
        }

        if (prefixes.SetConflated(prefix, true))
        {
            _conflatedSince[prefix] = now;
            counters.ConflationSwitches++;
            Log.ConflationOn(logger, stream.Topic, prefix, (int)(HoldMs / 1000));
        }
    }

    /// <summary>Periodically: prefixes conflated for <see cref="HoldMs"/> take every record again.</summary>
    public void Tick()
    {
        if (_conflatedSince.Count == 0)
        {
            return;
        }

        long now = Environment.TickCount64;
        foreach (var (prefix, since) in _conflatedSince.ToList())
        {
            if (now - since < HoldMs)
            {
                continue;
            }

            _conflatedSince.Remove(prefix);
            if (prefixes.SetConflated(prefix, false))
            {
                _graceUntil[prefix] = now + GraceMs;
                Log.ConflationOff(logger, prefix);
            }
        }
    }
}
