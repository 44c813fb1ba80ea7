namespace Telemetry;

/// <summary>One record as delivered to the application, with where it came from.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Topic">The record's topic.</param>
/// <param name="Publisher">The publisher's name.</param>
/// <param name="Session">The publisher's session.</param>
/// <param name="Sequence">The record's sequence number in its (publisher, session, topic) stream.</param>
/// <param name="Kind">The batch kind.</param>
/// <param name="SentUnixNs">When its batch was sent, Unix time in nanoseconds.</param>
/// <param name="Record">The record.</param>
public readonly record struct Received<T>(
    string Topic,
    string Publisher,
    ulong Session,
    ulong Sequence,
    string Kind,
    long SentUnixNs,
    T Record);
