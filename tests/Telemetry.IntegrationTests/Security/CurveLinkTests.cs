using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Security;

/// <summary>CURVE between SDK publishers and subscribers over TCP: the right key gets everything, anything else gets nothing.</summary>
public class CurveLinkTests
{
    [Fact]
    public async Task A_subscriber_with_the_server_key_receives_every_record_and_its_snapshot()
    {
        var server = CurveKeyPair.Generate();
        string snapshot = FreePort.TcpEndpoint();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["tcp://127.0.0.1:*"], SnapshotBind = [snapshot], CurveSecretKey = server.SecretKey });
        var topic = publisher.Topic("md.SIM.AAA");
        publisher.Publish(topic, SecurityRecords.Tick(1));
        await publisher.FlushAsync();

        var collector = new Collector<Tick>();
        await using var subscriber = collector.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [publisher.BoundEndpoints[0]], Prefixes = ["md."], Snapshot = true, SnapshotEndpoints = [snapshot], CurveServerKey = server.PublicKey,
        }));
        await Eventually.Until(() => collector.Records.Count == 1, 30_000, because: "the snapshot holds the record published before the subscriber came");
        for (int s = 2; s <= 1000; s++)
        {
            publisher.Publish(topic, SecurityRecords.Tick(s));
        }

        await Eventually.Until(() => collector.Records.Count == 1000, 30_000);
        Assert.Equal(Enumerable.Range(1, 1000).Select(s => (ulong)s), collector.Records.Select(r => r.Sequence).Order());
        Assert.Empty(collector.Gaps);
    }

    [Fact]
    public async Task Wrong_key_and_plaintext_subscribers_receive_nothing_and_the_publisher_never_sees_their_subscriptions()
    {
        var server = CurveKeyPair.Generate();
        string snapshot = FreePort.TcpEndpoint();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["tcp://127.0.0.1:*"], SnapshotBind = [snapshot], CurveSecretKey = server.SecretKey });
        var topic = publisher.Topic("md.SIM.AAA");
        publisher.Publish(topic, SecurityRecords.Tick(1));
        await publisher.FlushAsync();
        string endpoint = publisher.BoundEndpoints[0];

        // Distinct prefixes, so each subscription that got through would show in the publisher's count.
        var wrongKey = new Collector<Tick>();
        var plaintext = new Collector<Tick>();
        var good = new Collector<Tick>();
        await using var wrongSubscriber = wrongKey.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [endpoint], Prefixes = ["md.SIM."], Snapshot = true, SnapshotEndpoints = [snapshot], CurveServerKey = CurveKeyPair.Generate().PublicKey,
        }));
        await using var plainSubscriber = plaintext.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [endpoint], Prefixes = ["md.SIM.A"], Snapshot = true, SnapshotEndpoints = [snapshot],
        }));
        await using var goodSubscriber = good.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["md."], CurveServerKey = server.PublicKey }));
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, 30_000);

        // Two rounds: by the second, every client has retried its handshake many times.
        for (int round = 0; round < 2; round++)
        {
            for (int s = 2; s <= 2000; s++)
            {
                publisher.Publish(topic, SecurityRecords.Tick(s));
            }

            await Eventually.Until(() => good.Records.Count == (round + 1) * 1999, 30_000);
        }

        Assert.Equal(1, publisher.GetStats().Subscriptions);
        Assert.Equal(0L, publisher.SnapshotsServed);
        Assert.Empty(wrongKey.Records);
        Assert.Empty(plaintext.Records);
        Assert.Equal(0L, wrongSubscriber.GetStats().Messages + plainSubscriber.GetStats().Messages);
    }
}
