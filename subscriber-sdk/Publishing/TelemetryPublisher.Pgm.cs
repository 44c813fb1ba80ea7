using Telemetry.Transport.Pgm;

namespace Telemetry;

/// <content>
/// epgm:// outputs: every batch the sender thread sends also goes, in libzmq's PGM framing, to each
/// multicast group. Multicast receivers filter topics themselves, so with an epgm output every
/// topic is sent; batches of one round share packets and the round ends with a flush.
/// </content>
public sealed partial class TelemetryPublisher<T>
{
    private readonly List<(PgmSender Sender, ApduWriter Writer)> _pgm = [];

    /// <summary>Counters of each epgm:// output, in the order the endpoints were given.</summary>
    public IReadOnlyList<PgmSenderStats> GetPgmStats() => [.. _pgm.Select(p => p.Sender.GetStats())];

    private static bool IsPgm(string endpoint) => PgmEndpoint.IsPgm(endpoint);

    /// <summary>Opens the epgm:// endpoints among Bind and Connect (both mean "send to this group"), on the sender thread.</summary>
    private List<string> OpenPgmOutputs()
    {
        var opened = new List<string>();
        foreach (var endpoint in _options.Bind.Concat(_options.Connect).Where(IsPgm))
        {
            var sender = new PgmSender(PgmEndpoint.Parse(endpoint), _options.Pgm, _options.Linger);
            _pgm.Add((sender, new ApduWriter(sender.MaxTsdu, tsdu => sender.Send(tsdu.Span))));
            opened.Add(endpoint);
        }

        return opened;
    }

    private void WritePgm(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> header, ReadOnlySpan<byte> records)
    {
        foreach (var (_, writer) in _pgm)
        {
            writer.WriteMessage(topic, header, records);
        }
    }

    private void FlushPgm()
    {
        foreach (var (_, writer) in _pgm)
        {
            writer.Flush();
        }
    }

    /// <summary>Flushes and closes the outputs; each lingers while receivers still ask for repairs.</summary>
    private void ClosePgm()
    {
        foreach (var (sender, writer) in _pgm)
        {
            writer.Flush();
            sender.Dispose();
        }
    }
}
