using NetMQ;
using NetMQ.Sockets;
using Telemetry.Tests.Infrastructure;
using Telemetry.Wire;

namespace Telemetry.Tests.Sdk;

/// <summary>Repairs under entitlements: the requester's own token must grant the exact topic.</summary>
public class EntitledRepairTests
{
    [Fact]
    public async Task A_repair_is_answered_only_for_a_topic_the_requesters_token_grants()
    {
        byte[] secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "feed", Bind = ["tcp://127.0.0.1:*"], EntitlementSecret = Convert.ToBase64String(secret) });
        string everything = Telemetry.Security.EntitlementTokens.Issue(secret, "ops", ["md."], DateTimeOffset.UtcNow.AddHours(1));
        string onlyA = Telemetry.Security.EntitlementTokens.Issue(secret, "desk-a", ["md.A."], DateTimeOffset.UtcNow.AddHours(1));

        // An entitled subscriber keeps both topics wanted, so both are in the window.
        var all = new Collector<Tick>();
        await using var subscriber = all.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [publisher.BoundEndpoints[0]], Prefixes = ["md."], EntitlementToken = everything }));
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);
        for (int i = 1; i <= 100; i++)
        {
            publisher.Publish("md.A.X", TestBatches.Tick(i));
            publisher.Publish("md.B.X", TestBatches.Tick(i));
        }

        await Eventually.Until(() => all.Records.Count == 200);

        using var desk = new XSubscriberSocket();
        desk.Options.Linger = TimeSpan.Zero;
        desk.Connect(publisher.BoundEndpoints[0]);
        await Eventually.Until(() => publisher.GetStats().Connections == 2);
        Assert.Equal(("ok", 10), Ask(desk, publisher.Session, "md.A.X", onlyA));
        Assert.Equal(("refused", 0), Ask(desk, publisher.Session, "md.B.X", onlyA));
        Assert.Equal(("refused", 0), Ask(desk, publisher.Session, "md.A.X", token: null));
        Assert.Equal(2, publisher.GetStats().Retransmit.RepairsRefused);
    }

    /// <summary>Asks for records 11..20 of a topic as a libzmq peer would; returns the end code and the records received.</summary>
    private static (string Outcome, int Records) Ask(XSubscriberSocket socket, ulong session, string topic, string? token)
    {
        string nonce = RepairProtocol.NewNonce();
        string route = RepairProtocol.AnswerTopic(nonce);
        socket.SendFrame(Telemetry.Security.EntitlementWire.Subscription(subscribe: true, route, token));
        socket.SendFrame(RepairProtocol.EncodeRequest(new RepairRequest(nonce, "feed", session, topic, 11, 20, token)));
        var received = new HashSet<ulong>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (!socket.TryReceiveFrameString(TimeSpan.FromMilliseconds(100), out var frameTopic))
            {
                continue;
            }

            var body = socket.ReceiveFrameBytes();
            if (frameTopic != route)
            {
                continue;
            }

            if (RepairProtocol.TryDecodeEnd(body, out var outcome))
            {
                socket.SendFrame(Telemetry.Security.EntitlementWire.Subscription(subscribe: false, route, token));
                return (outcome.ToString().ToLowerInvariant(), received.Count);
            }

            Assert.Equal(DecodeError.None, EnvelopeReader.TryRead(body, out var envelope));
            for (int i = 0; i < envelope.Count; i++)
            {
                ulong sequence = envelope.FirstSequence + (ulong)i;
                if (sequence is >= 11 and <= 20)
                {
                    received.Add(sequence);
                }
            }
        }

        return ("no answer", received.Count);
    }
}
