using NetMQ;
using NetMQ.Sockets;
using Telemetry.Relay;
using Telemetry.Tests.Infrastructure;
using Telemetry.Wire;

namespace Telemetry.Tests.Relay;

/// <summary>
/// A repair storm: 100 subscribers below one relay lose the same records. The upstream is a raw
/// XPUB the test plays by hand, so it answers only when the test says: every request reaches the
/// relay first, and exactly one goes up. Answering takes the test as long as a hundred subscribers
/// take to ask, so the repair timeouts of the relay and of the subscribers are far above any wait
/// here: a request that timed out would be asked again and spoil the count, not show a bug.
/// </summary>
public class RepairCoalescingTests
{
    private const int Subscribers = 100;

    [Fact]
    public async Task A_hundred_subscribers_missing_the_same_range_cost_one_request_upstream_and_all_get_it()
    {
        using var upstream = new XPublisherSocket();
        upstream.Options.Linger = TimeSpan.Zero;
        upstream.Bind("tcp://127.0.0.1:*");
        using var relay = new TelemetryRelay(new RelayOptions { Name = "edge", Upstream = [upstream.Options.LastEndpoint!], Bind = ["tcp://127.0.0.1:*"], UpstreamRepairTimeout = TimeSpan.FromMinutes(2) });
        relay.Start();
        var collectors = Enumerable.Range(0, Subscribers).Select(_ => new Collector<Tick>()).ToList();
        var subscribers = collectors.Select(c => c.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [relay.BoundEndpoints[0]], Prefixes = ["md.C"], GapRepair = GapRepair.Hold, RepairTimeout = TimeSpan.FromMinutes(2) }))).ToList();
        try
        {
            var requests = new List<RepairRequest>();
            await Eventually.Until(() => Drain(upstream, requests).Any(f => f.SequenceEqual("\u0001md.C"u8.ToArray())), 20_000, "the relay should subscribe upstream");

            // A warm-up topic until every subscriber's subscription is in the relay's XPUB.
            ulong warm = 0;
            await Eventually.Until(
                () =>
                {
                    warm++;
                    Send(upstream, "md.C.WARM", TestBatches.Encode("origin", 7, warm, Ticks((int)warm, (int)warm)));
                    return collectors.All(c => c.Records.Any(r => r.Topic == "md.C.WARM"));
                },
                20_000);

            // Records 1..10 for everyone, then 21..30: every subscriber has the same hole, 11..20.
            Send(upstream, "md.C.X", TestBatches.Encode("origin", 7, 1, Ticks(1, 10)));
            await Eventually.Until(() => collectors.All(c => X(c).Count == 10), 20_000);
            Send(upstream, "md.C.X", TestBatches.Encode("origin", 7, 21, Ticks(21, 30)));

            // All hundred ask the relay; it holds one request upstream and joins the other 99 to it.
            await Eventually.Until(() => { Drain(upstream, requests); return relay.GetStats().RepairsCoalesced == Subscribers - 1; }, 20_000, "the relay should join 99 requests to the first");
            await Eventually.Until(() => Drain(upstream, requests) is not null && requests.Count > 0, 20_000, "the relay's one request should reach the upstream");
            await Task.Delay(200); // time for a second request to show, were there one
            Drain(upstream, requests);
            var request = Assert.Single(requests);
            Assert.Equal(("origin", 7UL, "md.C.X", 11UL, 20UL), (request.Publisher, request.Session, request.Topic, request.First, request.Last));

            // The answer, once, on the relay's own route: it reaches every subscriber.
            Send(upstream, RepairProtocol.AnswerTopic(request.Nonce), TestBatches.Encode("origin", 7, 11, Ticks(11, 20)));
            Send(upstream, RepairProtocol.AnswerTopic(request.Nonce), RepairProtocol.EncodeEnd(RepairOutcome.Ok));
            await Eventually.Until(() => collectors.All(c => X(c).Count == 30), 20_000, () => $"delivered: {string.Join(",", collectors.Select(c => X(c).Count).Distinct())}");
            foreach (var collector in collectors)
            {
                Assert.Equal(Enumerable.Range(1, 30).Select(i => (ulong)i), X(collector).Select(r => r.Sequence));
                Assert.Empty(collector.Gaps);
            }

            // All 100 were passed to the upstream side; 99 of them joined the one request that went up.
            Assert.Equal(((long)Subscribers, (long)Subscribers - 1), (relay.GetStats().Retransmit.RepairsForwarded, relay.GetStats().RepairsCoalesced));
            Assert.All(subscribers, s => Assert.Equal(10, s.GetStats().RepairedRecords));
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.Dispose();
            }
        }
    }

    private static List<Received<Tick>> X(Collector<Tick> collector) => [.. collector.Records.Where(r => r.Topic == "md.C.X")];

    private static Tick[] Ticks(int first, int last) => [.. Enumerable.Range(first, last - first + 1).Select(i => TestBatches.Tick(i))];

    private static void Send(XPublisherSocket socket, string topic, byte[] body) => socket.SendMoreFrame(topic).SendFrame(body);

    /// <summary>Reads what the relay sent up; keeps the repair requests; returns every frame read.</summary>
    private static List<byte[]> Drain(XPublisherSocket socket, List<RepairRequest> requests)
    {
        var frames = new List<byte[]>();
        while (socket.TryReceiveFrameBytes(TimeSpan.Zero, out var frame))
        {
            frames.Add(frame);
            if (RepairProtocol.TryDecodeRequest(frame, out var request, out _))
            {
                requests.Add(request);
            }
        }

        return frames;
    }
}
