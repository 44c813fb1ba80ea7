using NetMQ;
using Telemetry.Security;
using Telemetry.Transport.Pgm;

namespace Telemetry.Relay;

/// <content>
/// epgm:// on either side of the relay. Upstream, each group is received by a <see cref="PgmInput"/>
/// that the XSUB connects to over inproc, so it is just one more upstream. Downstream, every
/// forwarded batch is also sent to each group; multicast receivers cannot subscribe upstream, so
/// with an epgm downstream the relay subscribes to everything.
/// </content>
internal sealed partial class Forwarder
{
    // Multicast cannot be pushed back on, in either direction: an epgm input loses what the
    // forwarder cannot take in time, and an epgm output blocks the forwarder when a burst exceeds
    // its rate, so the upstream queue has to absorb the burst or it becomes loss for every
    // downstream. Either way the relay queues deeper than a TCP-only relay needs to.
    private const int PgmQueue = 10_000;

    private readonly List<PgmInput> _pgmInputs = [];
    private readonly List<(PgmSender Sender, ApduWriter Writer)> _pgmOutputs = [];

    /// <summary>Counters of the epgm:// outputs, in the order given.</summary>
    public IReadOnlyList<PgmSenderStats> GetPgmOutputStats() => [.. _pgmOutputs.Select(o => o.Sender.GetStats())];

    /// <summary>Counters of the epgm:// inputs, in the order given.</summary>
    public IReadOnlyList<PgmReceiverStats> GetPgmInputStats() => [.. _pgmInputs.Select(i => i.GetStats())];

    private static bool IsPgm(string endpoint) => PgmEndpoint.IsPgm(endpoint);

    private static int UpstreamQueue(RelayOptions options) =>
        options.Bind.Any(IsPgm) ? Math.Max(options.ReceiveHighWatermark, PgmQueue) : options.ReceiveHighWatermark;

    private List<string> OpenPgmOutputs()
    {
        var opened = new List<string>();
        foreach (var endpoint in _options.Bind.Where(IsPgm))
        {
            var sender = new PgmSender(PgmEndpoint.Parse(endpoint), _options.Pgm, TimeSpan.FromSeconds(2));
            _pgmOutputs.Add((sender, new ApduWriter(sender.MaxTsdu, tsdu => sender.Send(tsdu.Span))));
            opened.Add(endpoint);
        }

        return opened;
    }

    private void OpenPgmInputs()
    {
        foreach (var endpoint in _options.Upstream.Where(IsPgm))
        {
            var input = new PgmInput(endpoint, _options.Pgm, _options.MaxMessageBytes, Math.Max(_options.ReceiveHighWatermark, PgmQueue));
            _pgmInputs.Add(input);
            _up.Connect(input.Address);
        }

        if (_pgmOutputs.Count > 0)
        {
            // Held like a downstream subscription, so it is replayed to upstreams that reconnect, and
            // pinned, so a tcp subscriber that unsubscribes "" does not stop the multicast feed.
            _held.Add(string.Empty);
            _pinned.Add(string.Empty);
            _up.SendFrame(EntitlementWire.Subscription(subscribe: true, string.Empty, _options.EntitlementToken));
        }
    }

    private void WritePgm(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> body)
    {
        foreach (var (_, writer) in _pgmOutputs)
        {
            writer.WriteMessage(topic, body, default);
        }
    }

    private void FlushPgm()
    {
        foreach (var (_, writer) in _pgmOutputs)
        {
            writer.Flush();
        }
    }

    private void ClosePgm()
    {
        foreach (var input in _pgmInputs)
        {
            input.Dispose();
        }

        foreach (var (sender, writer) in _pgmOutputs)
        {
            writer.Flush();
            sender.Dispose();
        }
    }
}
