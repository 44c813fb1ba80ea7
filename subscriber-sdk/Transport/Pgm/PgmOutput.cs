namespace Telemetry.Transport.Pgm;

/// <summary>
/// Sends ZeroMQ messages of two frames (a topic and a body) to an <c>epgm://</c> group as libzmq's
/// epgm does: ODATA packets in ZMTP/1.0 framing, SPM heartbeats, and repairs (RDATA) for the NAKs of
/// receivers while the data is in the transmit window (<see cref="PgmOptions.RecoveryInterval"/>).
/// Messages written between two <see cref="Flush"/> calls share packets. Not thread-safe: one
/// thread writes.
/// </summary>
public sealed class PgmOutput : IDisposable
{
    private readonly PgmSender _sender;
    private readonly ApduWriter _writer;

    /// <summary>Opens the group's sending socket.</summary>
    /// <param name="endpoint"><c>epgm://INTERFACE;GROUP:PORT</c>, e.g. <c>epgm://eth0;239.192.0.1:5555</c>.</param>
    /// <param name="options">Rate, recovery interval and packet size.</param>
    /// <param name="linger">How long <see cref="Dispose"/> keeps answering repair requests.</param>
    /// <exception cref="ArgumentException">The endpoint is not an epgm:// group on a local interface.</exception>
    public PgmOutput(string endpoint, PgmOptions options, TimeSpan linger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Endpoint = endpoint;
        _sender = new PgmSender(PgmEndpoint.Parse(endpoint), options, linger);
        _writer = new ApduWriter(_sender.MaxTsdu, tsdu => _sender.Send(tsdu.Span));
    }

    /// <summary>The epgm:// endpoint as given.</summary>
    public string Endpoint { get; }

    /// <summary>Writes one message: <paramref name="topic"/>, then a body made of <paramref name="body"/> followed by <paramref name="bodyTail"/>.</summary>
    public void Write(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> body, ReadOnlySpan<byte> bodyTail = default) =>
        _writer.WriteMessage(topic, body, bodyTail);

    /// <summary>Sends the partly filled packet, if any: call when a burst of writes ends.</summary>
    public void Flush() => _writer.Flush();

    /// <summary>Counters since start.</summary>
    public PgmSenderStats GetStats() => _sender.GetStats();

    /// <summary>Flushes, then closes the socket once the linger has passed or no receiver asks for repairs.</summary>
    public void Dispose()
    {
        _writer.Flush();
        _sender.Dispose();
    }
}
