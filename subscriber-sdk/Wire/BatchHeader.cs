namespace Telemetry;

/// <summary>The envelope of one batch: who sent it, where it sits in the stream, and how many records it holds.</summary>
/// <param name="Topic">The batch's topic (frame 0).</param>
/// <param name="Publisher">The publisher's name.</param>
/// <param name="Session">The publisher's session, random at each publisher start.</param>
/// <param name="FirstSequence">Sequence number of the first record delivered from this batch.</param>
/// <param name="SentUnixNs">When the batch was sent, Unix time in nanoseconds.</param>
/// <param name="Kind">The record kind (<c>tick</c>, <c>log</c>, <c>metric</c> or an application's own).</param>
/// <param name="Count">Number of records delivered from this batch.</param>
/// <param name="Resync">True when this is a topic's current value from the snapshot service, delivered because the records before it were lost beyond every window (the "latest value" contract; needs <see cref="SubscriberOptions.Snapshot"/>).</param>
/// <param name="Repaired">True when these records were missing and came in a repair answer (<see cref="GapRepair.Immediate"/> delivers them after later ones).</param>
/// <param name="Conflated">Records of this stream before this batch that the node's conflated feed replaced by it (<see cref="SubscriberOptions.Conflation"/>): not lost, superseded.</param>
public readonly record struct BatchHeader(
    string Topic,
    string Publisher,
    ulong Session,
    ulong FirstSequence,
    long SentUnixNs,
    string Kind,
    int Count,
    bool Repaired = false,
    bool Resync = false,
    long Conflated = 0);
