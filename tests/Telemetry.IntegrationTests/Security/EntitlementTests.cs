using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Security;

/// <summary>A publisher with an entitlement secret honours only subscriptions whose token grants them.</summary>
public class EntitlementTests
{
    [Fact]
    public async Task Only_granted_prefixes_are_delivered_and_forged_expired_or_missing_tokens_get_no_byte()
    {
        string secret = Tokens.NewSecret();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["tcp://127.0.0.1:*"], EntitlementSecret = secret });
        string endpoint = publisher.BoundEndpoints[0];
        PublisherTopic[] topics = [publisher.Topic("md.SIM.AAA"), publisher.Topic("md.OTHER.BBB"), publisher.Topic("log.app.Information")];

        var alice = new Collector<Tick>();
        var forged = new Collector<Tick>();
        var expired = new Collector<Tick>();
        var anonymous = new Collector<Tick>();
        var everything = new Collector<Tick>();
        await using var aliceSubscriber = alice.Attach(Subscriber(endpoint, Tokens.Issue(secret, "alice", "md.SIM."), "md.SIM.", "md.OTHER.", "md.", ""));
        await using var forgedSubscriber = forged.Attach(Subscriber(endpoint, Tokens.Issue(Tokens.NewSecret(), "mallory", ""), "md.SIM."));
        await using var expiredSubscriber = expired.Attach(Subscriber(endpoint, Tokens.Expired(secret, "md."), "md.SIM."));
        await using var anonymousSubscriber = anonymous.Attach(Subscriber(endpoint, null, "md."));
        await using var everythingSubscriber = everything.Attach(Subscriber(endpoint, Tokens.Issue(secret, "ops", "md.", "log."), "md.", "log."));

        // alice: "md.OTHER.", "md." and "" refused; forged, expired and anonymous one each.
        await Eventually.Until(() => publisher.GetStats().RefusedSubscriptions == 6 && publisher.GetStats().Subscriptions == 3, 30_000, because: () => $"{publisher.GetStats()}");
        for (int s = 1; s <= 500; s++)
        {
            foreach (var topic in topics)
            {
                publisher.Publish(topic, SecurityRecords.Tick(s));
            }
        }

        await Eventually.Until(() => everything.Records.Count == 1500, 30_000);
        await Eventually.Until(() => alice.Records.Count == 500, 30_000);
        Assert.All(alice.Records, r => Assert.Equal("md.SIM.AAA", r.Topic));
        Assert.Equal(500, alice.Records.Count);
        foreach (var subscriber in new[] { forgedSubscriber, expiredSubscriber, anonymousSubscriber })
        {
            Assert.Equal(0L, subscriber.GetStats().Messages);
        }

        Assert.Empty(forged.Records.Concat(expired.Records).Concat(anonymous.Records));
        Assert.Equal(6L, publisher.GetStats().RefusedSubscriptions);
    }

    [Fact]
    public async Task A_snapshot_holds_only_granted_topics_and_a_bad_token_gets_an_empty_one()
    {
        string secret = Tokens.NewSecret();
        string snapshot = FreePort.TcpEndpoint();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["tcp://127.0.0.1:*"], SnapshotBind = [snapshot], EntitlementSecret = secret });
        publisher.Publish(publisher.Topic("md.SIM.AAA"), SecurityRecords.Tick(1));
        publisher.Publish(publisher.Topic("md.OTHER.BBB"), SecurityRecords.Tick(1));
        await publisher.FlushAsync();

        var alice = new Collector<Tick>();
        await using var aliceSubscriber = alice.Attach(Subscriber(endpoint: publisher.BoundEndpoints[0], Tokens.Issue(secret, "alice", "md.SIM."), ["md."], snapshot));
        var forged = new Collector<Tick>();
        await using var forgedSubscriber = forged.Attach(Subscriber(publisher.BoundEndpoints[0], Tokens.Issue(Tokens.NewSecret(), "mallory", ""), ["md."], snapshot));
        await Eventually.Until(() => aliceSubscriber.GetStats().Snapshots == 1 && !alice.Records.IsEmpty && forgedSubscriber.GetStats().Snapshots == 1, 30_000);

        Assert.Equal(["md.SIM.AAA"], alice.Records.Select(r => r.Topic));
        Assert.Empty(forged.Records);
        Assert.Equal(0L, forgedSubscriber.GetStats().Messages);
    }

    [Fact]
    public async Task A_bare_unsubscribe_from_another_connection_does_not_stop_an_entitled_subscribers_data()
    {
        string secret = Tokens.NewSecret();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["tcp://127.0.0.1:*"], EntitlementSecret = secret });
        var topic = publisher.Topic("md.SIM.AAA");
        var victim = new Collector<Tick>();
        await using var victimSubscriber = victim.Attach(Subscriber(publisher.BoundEndpoints[0], Tokens.Issue(secret, "victim", "md.SIM."), "md.SIM."));
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, 30_000);

        // The attacker's XSUB sends the bare subscribe (refused) so that it will pass on the bare unsubscribe:
        // to the gate that looks like NetMQ's notice that the prefix's last holder left.
        using var attacker = new NetMQ.Sockets.XSubscriberSocket();
        attacker.Connect(publisher.BoundEndpoints[0]);
        NetMQ.OutgoingSocketExtensions.SendFrame(attacker, [1, .. "md.SIM."u8]);
        await Eventually.Until(() => publisher.GetStats().RefusedSubscriptions == 1, 30_000);
        NetMQ.OutgoingSocketExtensions.SendFrame(attacker, [0, .. "md.SIM."u8]);
        for (int round = 1; round <= 2; round++)
        {
            for (int s = 1; s <= 500; s++)
            {
                publisher.Publish(topic, SecurityRecords.Tick(s + ((round - 1) * 500)));
            }

            await Eventually.Until(() => victim.Records.Count == round * 500, 30_000);
        }

        Assert.Equal(1, publisher.GetStats().Subscriptions);
        Assert.False(NetMQ.ReceivingSocketExtensions.TryReceiveFrameBytes(attacker, TimeSpan.Zero, out _));
    }

    private static TelemetrySubscriber Subscriber(string endpoint, string? token, params string[] prefixes) =>
        new(new SubscriberOptions { Connect = [endpoint], Prefixes = prefixes, EntitlementToken = token });

    private static TelemetrySubscriber Subscriber(string endpoint, string token, string[] prefixes, string snapshot) =>
        new(new SubscriberOptions { Connect = [endpoint], Prefixes = prefixes, EntitlementToken = token, Snapshot = true, SnapshotEndpoints = [snapshot] });
}
