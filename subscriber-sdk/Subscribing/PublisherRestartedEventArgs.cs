namespace Telemetry;

/// <summary>A publisher came back with a new session: its sequence numbers start again, and nothing is reported as a gap.</summary>
public sealed class PublisherRestartedEventArgs(string topic, string publisher, ulong previousSession, ulong session, ulong firstSequence) : EventArgs
{
    /// <summary>The topic on which the restart was seen.</summary>
    public string Topic { get; } = topic;

    /// <summary>The publisher that restarted.</summary>
    public string Publisher { get; } = publisher;

    /// <summary>The session before the restart.</summary>
    public ulong PreviousSession { get; } = previousSession;

    /// <summary>The new session.</summary>
    public ulong Session { get; } = session;

    /// <summary>The first sequence number received in the new session (1 unless records were lost).</summary>
    public ulong FirstSequence { get; } = firstSequence;
}
