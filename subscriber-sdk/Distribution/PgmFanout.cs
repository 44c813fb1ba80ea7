using Telemetry.Transport.Pgm;

namespace Telemetry.Distribution;

/// <summary>
/// The epgm:// outputs of a node: every batch goes, in libzmq's PGM framing, to each group.
/// Multicast receivers filter topics themselves, so a node with an output sends every topic.
/// Messages of one round share packets; <see cref="Flush"/> ends the round.
/// </summary>
internal sealed class PgmFanout : IDisposable
{
    private readonly List<PgmOutput> _outputs = [];

    public PgmFanout(IEnumerable<string> endpoints, PgmOptions options, TimeSpan linger)
    {
        try
        {
            foreach (var endpoint in endpoints)
            {
                _outputs.Add(new PgmOutput(endpoint, options, linger));
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
    public IReadOnlyList<PgmSenderStats> GetStats() => [.. _outputs.Select(o => o.GetStats())];

    /// <summary>Writes one message; its body is <paramref name="header"/> followed by <paramref name="records"/>.</summary>
    public void Write(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> header, ReadOnlySpan<byte> records)
    {
        foreach (var output in _outputs)
        {
            output.Write(topic, header, records);
        }
    }

    public void Flush()
    {
        foreach (var output in _outputs)
        {
            output.Flush();
        }
    }

    /// <summary>Flushes and closes the outputs; each lingers while receivers still ask for repairs.</summary>
    public void Dispose()
    {
        foreach (var output in _outputs)
        {
            output.Dispose();
        }

        _outputs.Clear();
    }
}
