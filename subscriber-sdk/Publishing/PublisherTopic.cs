using System.Text;

namespace Telemetry;

/// <summary>
/// A topic handle of one publisher: get it once with <c>Topic(name)</c> and publish through it, so
/// the topic is never looked up by string on the hot path.
/// </summary>
public sealed class PublisherTopic
{
    internal PublisherTopic(object owner, int index, string name, string kind)
    {
        Owner = owner;
        Index = index;
        Name = name;
        Kind = kind;
        NameUtf8 = Encoding.UTF8.GetBytes(name);
        KindUtf8 = Encoding.UTF8.GetBytes(kind);
    }

    /// <summary>The topic, e.g. <c>md.SIM.AAPL</c>.</summary>
    public string Name { get; }

    /// <summary>The kind written in this topic's batches.</summary>
    public string Kind { get; }

    internal object Owner { get; }

    /// <summary>Position of this topic's last value in the publisher's cache.</summary>
    internal int Index { get; }

    /// <summary>Sequence number of the last record published on the topic (sent or not); 0 before the first.</summary>
    internal ulong LastSequence => NextSequence - 1;

    internal byte[] NameUtf8 { get; }

    internal byte[] KindUtf8 { get; }

    // Sender-thread state: the sequence number of the next record sent, and this round's chain of
    // queued records (indices into the drained array).
    internal ulong NextSequence { get; set; } = 1;

    internal int RoundHead { get; set; } = -1;

    internal int RoundTail { get; set; } = -1;

    internal int RoundCount { get; set; }

    internal int WantedVersion { get; set; } = -1;

    internal bool Wanted { get; set; }

    /// <summary>The stream's name in the retransmission window; set by the sender, which knows the session.</summary>
    internal string StreamKey { get; set; } = string.Empty;

    /// <summary>When the topic last had a subscriber (<see cref="Environment.TickCount64"/>); long.MinValue before.</summary>
    internal long WantedMs { get; set; } = long.MinValue;

    /// <summary>When the topic's last batch was sent or kept, for heartbeats.</summary>
    internal long SentMs { get; set; } = long.MinValue;

    /// <summary>True while the topic is on the sender's list of topics that may need heartbeats.</summary>
    internal bool Active { get; set; }

    /// <inheritdoc />
    public override string ToString() => Name;

    internal static void Validate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > Wire.WireFormat.MaxTopicBytes)
        {
            throw new ArgumentException($"Topic '{name[..32]}…' is {bytes} bytes; the limit is {Wire.WireFormat.MaxTopicBytes}.", nameof(name));
        }
    }
}
