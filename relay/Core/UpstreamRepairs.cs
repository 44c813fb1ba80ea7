using NetMQ;
using NetMQ.Sockets;
using Telemetry.Distribution;
using Telemetry.Security;
using Telemetry.Wire;

namespace Telemetry.Relay;

/// <summary>
/// Repair requests this relay's window could not answer, passed up its XSUB towards the stream's
/// publisher. Requests for the same range from many downstream peers (100 subscribers below one
/// relay that all lost the same records) are coalesced: one request in flight upstream per range,
/// its answer sent to every waiter. Each upstream request has the relay's own nonce and token (the
/// requester's entitlement was checked by the node before it got here). Used on the relay's thread.
/// </summary>
internal sealed class UpstreamRepairs(XSubscriberSocket up, RepairService repairs, LinkCounters counters, string? token, TimeSpan timeout) : IRepairForwarder
{
    private readonly Dictionary<string, InFlight> _byRange = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InFlight> _byNonce = new(StringComparer.Ordinal);

    public int Pending => _byNonce.Count;

    /// <summary>Requests from downstream joined to one already in flight for the same range.</summary>
    public long Coalesced { get; private set; }

    public bool TryForward(RepairRequest request)
    {
        long upstreams = Interlocked.Read(ref counters.UpstreamConnects) - Interlocked.Read(ref counters.UpstreamDisconnects);
        if (upstreams <= 0)
        {
            return false;
        }

        string range = $"{request.StreamKey}\n{request.First}\n{request.Last}";
        if (_byRange.TryGetValue(range, out var inFlight))
        {
            inFlight.Waiters.Add(request.Nonce);
            Coalesced++;
            return true;
        }

        string nonce = RepairProtocol.NewNonce();
        inFlight = new InFlight(range, nonce, (int)upstreams, Environment.TickCount64 + (long)timeout.TotalMilliseconds);
        inFlight.Waiters.Add(request.Nonce);
        _byRange.Add(range, inFlight);
        _byNonce.Add(nonce, inFlight);

        // The answer's route first, then the request: one connection keeps their order.
        up.SendFrame(EntitlementWire.Subscription(subscribe: true, RepairProtocol.AnswerTopic(nonce), token));
        up.SendFrame(RepairProtocol.EncodeRequest(request with { Nonce = nonce, Token = token }));
        return true;
    }

    /// <summary>A message on a <c>_rep.</c> topic came from upstream: a batch or an end for one of ours.</summary>
    /// <returns>False when it is not for a request in flight (late, or a stranger's): drop it.</returns>
    public bool OnAnswer(ReadOnlySpan<byte> topicUtf8, ReadOnlyMemory<byte> body, int records)
    {
        string nonce = System.Text.Encoding.UTF8.GetString(topicUtf8[RepairProtocol.AnswerPrefix.Length..]);
        if (!_byNonce.TryGetValue(nonce, out var inFlight))
        {
            return false;
        }

        if (records < 0)
        {
            RepairProtocol.TryDecodeEnd(body.Span, out var outcome);
            inFlight.Best = (RepairOutcome)Math.Min((int)inFlight.Best, (int)(outcome == RepairOutcome.Unsupported ? RepairOutcome.Unknown : outcome));
            if (inFlight.Best == RepairOutcome.Ok || ++inFlight.Ends >= inFlight.Upstreams)
            {
                Finish(inFlight);
            }

            return true;
        }

        foreach (var waiter in inFlight.Waiters)
        {
            repairs.Relay(waiter, body.Span, records);
        }

        return true;
    }

    /// <summary>Ends requests upstream never ended, with the best any upstream said (or "unknown").</summary>
    public void Expire()
    {
        if (_byNonce.Count == 0)
        {
            return;
        }

        long now = Environment.TickCount64;
        foreach (var inFlight in _byNonce.Values.Where(f => now > f.Deadline).ToList())
        {
            Finish(inFlight);
        }
    }

    private void Finish(InFlight inFlight)
    {
        _byNonce.Remove(inFlight.Nonce);
        _byRange.Remove(inFlight.Range);
        up.SendFrame(EntitlementWire.Subscription(subscribe: false, RepairProtocol.AnswerTopic(inFlight.Nonce), token));
        foreach (var waiter in inFlight.Waiters)
        {
            repairs.RelayEnd(waiter, inFlight.Best);
        }
    }

    private sealed class InFlight(string range, string nonce, int upstreams, long deadline)
    {
        public string Range { get; } = range;

        public string Nonce { get; } = nonce;

        /// <summary>Upstream connections the request went to: each ends its answer.</summary>
        public int Upstreams { get; } = upstreams;

        public long Deadline { get; } = deadline;

        public List<string> Waiters { get; } = [];

        public int Ends { get; set; }

        public RepairOutcome Best { get; set; } = RepairOutcome.Unknown;
    }
}
