namespace Telemetry;

/// <summary>Records <see cref="FirstMissing"/> to <see cref="LastMissing"/> (inclusive) of a stream never arrived.</summary>
public sealed class GapEventArgs(string topic, string publisher, ulong session, ulong firstMissing, ulong lastMissing) : EventArgs
{
    /// <summary>The topic of the stream.</summary>
    public string Topic { get; } = topic;

    /// <summary>The publisher of the stream.</summary>
    public string Publisher { get; } = publisher;

    /// <summary>The publisher's session.</summary>
    public ulong Session { get; } = session;

    /// <summary>The first missing sequence number.</summary>
    public ulong FirstMissing { get; } = firstMissing;

    /// <summary>The last missing sequence number.</summary>
    public ulong LastMissing { get; } = lastMissing;

    /// <summary>How many records are missing.</summary>
    public ulong Count => LastMissing - FirstMissing + 1;
}
