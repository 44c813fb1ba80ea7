using Telemetry.Hosting;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Security;

/// <summary>The relay program with CURVE upstream (it is a client of the publisher) and downstream (a server of its own key).</summary>
public sealed class CurveRelayTests : IDisposable
{
    private readonly string _keys = Directory.CreateTempSubdirectory("telemetry-relay-keys-").FullName;

    [Fact]
    public async Task A_relay_carries_data_and_snapshots_over_CURVE_on_both_sides_and_plaintext_clients_get_nothing()
    {
        var feedKeys = CurveKeyPair.Generate();
        var relayKeys = CurveKeyPair.Generate();
        KeyFiles.Write(_keys, "feed", feedKeys, overwrite: false);
        KeyFiles.Write(_keys, "relay", relayKeys, overwrite: false);
        string feedEndpoint = FreePort.TcpEndpoint();
        string feedSnapshot = FreePort.TcpEndpoint();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = [feedEndpoint], SnapshotBind = [feedSnapshot], CurveSecretKey = feedKeys.SecretKey });
        var topic = publisher.Topic("md.SIM.AAA");
        publisher.Publish(topic, SecurityRecords.Tick(1));
        await publisher.FlushAsync();

        await using var relay = await SecureRelay.StartAsync(
            "--upstream", feedEndpoint, "--upstream-snapshot", feedSnapshot,
            "--curve-server-key", Path.Combine(_keys, "feed.pub"), "--curve-key", Path.Combine(_keys, "relay.key"));
        var plain = new Collector<Tick>();
        await using var plainSubscriber = plain.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [relay.Endpoint], Prefixes = ["md.SIM."], Snapshot = true, SnapshotEndpoints = [relay.SnapshotEndpoint],
        }));
        var collector = new Collector<Tick>();
        await using var subscriber = collector.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [relay.Endpoint], Prefixes = ["md."], Snapshot = true, SnapshotEndpoints = [relay.SnapshotEndpoint], CurveServerKey = relayKeys.PublicKey,
        }));

        // Record 1 was published before anyone subscribed: only the snapshot, fetched upstream over CURVE, has it.
        await Eventually.Until(() => collector.Records.Count == 1, 30_000, relay.Describe());
        await Eventually.Until(() => publisher.GetStats().Subscriptions >= 1, 30_000, relay.Describe());
        for (int s = 2; s <= 1000; s++)
        {
            publisher.Publish(topic, SecurityRecords.Tick(s));
        }

        await Eventually.Until(() => collector.Records.Count == 1000, 30_000, relay.Describe());
        Assert.Equal(Enumerable.Range(1, 1000).Select(s => (ulong)s), collector.Records.Select(r => r.Sequence).Order());
        var counters = await relay.CountersAsync();
        Assert.Equal(2L, counters.SubscriptionsForwarded); // "md." and the snapshot barrier; never the plaintext client's "md.SIM."
        Assert.Empty(plain.Records);
    }

    public void Dispose() => Directory.Delete(_keys, recursive: true);
}
