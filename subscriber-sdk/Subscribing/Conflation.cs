namespace Telemetry;

/// <summary>
/// Whether a subscriber takes the nodes' conflated feed: each topic's latest value once per the
/// node's interval (100 ms by default) instead of every record (docs/wire-format.md, section 15).
/// What the feed skips is counted as conflated (<see cref="BatchHeader.Conflated"/>,
/// <see cref="SubscriberStats.Conflated"/>), never reported as a gap, never asked for.
/// </summary>
public enum Conflation
{
    /// <summary>Every record (the default).</summary>
    Off,

    /// <summary>Always the conflated feed: for a screen on a link too slow for the full feed.</summary>
    Always,

    /// <summary>
    /// Every record while the subscriber keeps up; when it falls behind (records of a <c>tick</c>,
    /// <c>metric</c> or other non-<c>log</c> stream go missing, as they do when a node's high-water
    /// mark overflows for this peer) the prefix covering that stream switches to the conflated feed
    /// for 5 s, then back to every record. A node cannot tell which peer is slow (ZeroMQ's XPUB drops
    /// per peer without saying so), so the peer that sees the loss asks. <c>log</c> streams are never
    /// conflated: their holes are repaired as <see cref="SubscriberOptions.GapRepair"/> says.
    /// </summary>
    WhenBehind,
}
