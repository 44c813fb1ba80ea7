namespace Telemetry.Wire;

/// <summary>Constants of wire protocol v1 (docs/wire-format.md).</summary>
internal static class WireFormat
{
    public const int Version = 1;

    /// <summary><c>[version, publisher, session, first_seq, sent_ns, kind, records]</c>.</summary>
    public const int EnvelopeFields = 7;

    /// <summary>Every ZeroMQ message is exactly topic + batch.</summary>
    public const int FrameCount = 2;

    public const int MaxTopicBytes = 1024;
    public const int MaxPublisherBytes = 256;
    public const int MaxKindBytes = 64;

    /// <summary>The largest MaxMessageBytes a node accepts in its settings: receive buffers are sized up to it, so it must stay a valid array length.</summary>
    public const long MaxMessageBytesLimit = 1L << 30;
}
