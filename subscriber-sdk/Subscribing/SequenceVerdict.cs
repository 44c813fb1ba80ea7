namespace Telemetry.Subscribing;

/// <summary>What the stream tracker concluded about one batch.</summary>
internal enum SequenceVerdict
{
    /// <summary>The batch continues the stream (or starts tracking it).</summary>
    InOrder,

    /// <summary>Records are missing before this batch.</summary>
    Gap,

    /// <summary>The publisher's session changed: a restart, not a gap.</summary>
    Restart,

    /// <summary>Every record of the batch was already delivered (a second path, a replay).</summary>
    Duplicate,

    /// <summary>The batch starts with already-delivered records; deliver only the rest.</summary>
    Overlap,
}
