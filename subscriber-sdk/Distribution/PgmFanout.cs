using Telemetry.Transport.Pgm;

namespace Telemetry.Distribution;

/// <summary>
/// The epgm:// outputs of a node: every batch goes, in libzmq's PGM framing, to each group.
/// Multicast receivers filter topics themselves, so a node with an output sends every topic.
/// Messages of one round share packets; <see cref="Flush"/> ends the round.
/// </summary>
internal sealed class PgmFanout : IDisposable
{
    private readonly List<(PgmSender Sender, ApduWriter Writer)> _outputs = [];

    public PgmFanout(IEnumerable<string> endpoints, PgmOptions options, TimeSpan linger)
    {
        try
        {
            foreach (var endpoint in endpoints)
            {
                var sender = new PgmSender(PgmEndpoint.Parse(endpoint), options, linger);
                _outputs.Add((sender, new ApduWriter(sender.MaxTsdu, tsdu => sender.Send(tsdu.Span))));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public bool IsEmpty => _outputs.Count == 0;

    /// <summary>Counters of each output, in the order the endpoints were given.</summary>
    public IReadOnlyList<PgmSenderStats> GetStats() => [.. _outputs.Select(o => o.Sender.GetStats())];

    /// <summary>Writes one message; its body is <paramref name="header"/> followed by <paramref name="records"/>.</summary>
    public void Write(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> header, ReadOnlySpan<byte> records)
    {
        foreach (var (_, writer) in _outputs)
        {
            writer.WriteMessage(topic, header, records);
        }
    }

    public void Flush()
    {
        foreach (var (_, writer) in _outputs)
        {
            writer.Flush();
        }
    }

    /// <summary>Flushes and closes the outputs; each lingers while receivers still ask for repairs.</summary>
    public void Dispose()
    {
        foreach (var (sender, writer) in _outputs)
        {
            writer.Flush();
            sender.Dispose();
        }

        _outputs.Clear();
    }
}
