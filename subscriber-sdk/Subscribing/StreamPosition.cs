namespace Telemetry;

/// <summary>
/// Where a stream stood for an earlier run of a subscriber: its last record handed on, so a
/// restarted subscriber (a sink after a crash) asks for what followed (<see cref="SubscriberOptions.ResumeFrom"/>).
/// </summary>
/// <param name="Topic">The stream's topic.</param>
/// <param name="Publisher">Its publisher.</param>
/// <param name="Session">Its session then.</param>
/// <param name="LastSequence">The last sequence number already handled.</param>
public sealed record StreamPosition(string Topic, string Publisher, ulong Session, ulong LastSequence);
