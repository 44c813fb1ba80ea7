using Telemetry.Transport.Pgm;

namespace Telemetry;

/// <content>epgm:// inputs: each multicast group is received by a <see cref="PgmInput"/> that the SUB socket connects to over inproc.</content>
public sealed partial class TelemetrySubscriber
{
    private readonly List<PgmInput> _pgmInputs = [];

    /// <summary>Counters of each epgm:// input (sources, repairs, losses), in the order the endpoints were given.</summary>
    public IReadOnlyList<PgmReceiverStats> GetPgmStats() => [.. _pgmInputs.Select(i => i.GetStats())];

    private static bool IsPgm(string endpoint) => PgmEndpoint.IsPgm(endpoint);

    /// <summary>Joins the epgm:// groups among Bind and Connect (both mean "receive this group").</summary>
    private void OpenPgmInputs(SubscriberOptions options)
    {
        foreach (var endpoint in options.Bind.Concat(options.Connect).Where(IsPgm))
        {
            var input = new PgmInput(endpoint, options.Pgm, options.MaxMessageBytes, options.ReceiveHighWatermark);
            _pgmInputs.Add(input);
            _socket.Connect(input.Address);
        }
    }

    private void ClosePgmInputs()
    {
        foreach (var input in _pgmInputs)
        {
            input.Dispose();
        }
    }
}
