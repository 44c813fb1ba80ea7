using Telemetry.Hosting;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Security;

/// <summary>The relay program enforces entitlements downstream and presents its own token upstream.</summary>
public sealed class RelayEntitlementTests : IDisposable
{
    private readonly string _files = Directory.CreateTempSubdirectory("telemetry-relay-entitlements-").FullName;

    [Fact]
    public async Task A_relay_delivers_and_snapshots_only_granted_topics_and_counts_refusals()
    {
        string feedSecret = Tokens.NewSecret();
        string relaySecretFile = Path.Combine(_files, "relay.secret");
        KeyFiles.WriteEntitlementSecret(relaySecretFile);
        string relaySecret = KeyFiles.ReadEntitlementSecret(relaySecretFile);
        string relayTokenFile = Path.Combine(_files, "relay.token");
        File.WriteAllText(relayTokenFile, Tokens.Issue(feedSecret, "relay", "md.") + "\n");

        string feedEndpoint = FreePort.TcpEndpoint();
        string feedSnapshot = FreePort.TcpEndpoint();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = [feedEndpoint], SnapshotBind = [feedSnapshot], EntitlementSecret = feedSecret });
        PublisherTopic[] topics = [publisher.Topic("md.SIM.AAA"), publisher.Topic("md.OTHER.BBB")];
        foreach (var topic in topics)
        {
            publisher.Publish(topic, SecurityRecords.Tick(1));
        }

        await publisher.FlushAsync();
        await using var relay = await SecureRelay.StartAsync(
            "--upstream", feedEndpoint, "--upstream-snapshot", feedSnapshot, "--entitlement-secret", relaySecretFile, "--token-file", relayTokenFile);

        var alice = new Collector<Tick>();
        await using var aliceSubscriber = alice.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [relay.Endpoint], Prefixes = ["md.SIM.", "md.OTHER."], Snapshot = true, SnapshotEndpoints = [relay.SnapshotEndpoint],
            EntitlementToken = Tokens.Issue(relaySecret, "alice", "md.SIM."),
        }));
        var ops = new Collector<Tick>();
        await using var opsSubscriber = ops.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [relay.Endpoint], Prefixes = ["md."], EntitlementToken = Tokens.Issue(relaySecret, "ops", "md."),
        }));

        // The snapshot, fetched upstream with the relay's token, is cut down to alice's grant.
        // The answer's end counts the snapshot on the receive thread; its records reach the handler
        // after that, from the delivery buffer, so the test waits for the record too.
        await Eventually.Until(() => aliceSubscriber.GetStats().Snapshots == 1 && !alice.Records.IsEmpty, 30_000, relay.Describe());
        Assert.Equal(["md.SIM.AAA"], alice.Records.Select(r => r.Topic));

        // Upstream sees the relay's subscriptions ("md." from ops, "md.SIM." from alice), honoured with its token.
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 2, 30_000, relay.Describe());
        for (int s = 2; s <= 501; s++)
        {
            foreach (var topic in topics)
            {
                publisher.Publish(topic, SecurityRecords.Tick(s));
            }
        }

        await Eventually.Until(() => ops.Records.Count == 1000, 30_000, relay.Describe());
        await Eventually.Until(() => alice.Records.Count == 501, 30_000, relay.Describe());
        Assert.All(alice.Records, r => Assert.Equal("md.SIM.AAA", r.Topic));
        var metrics = await relay.ScrapeAsync();
        Assert.Equal(1L, metrics.Get("telemetry_relay_entitlement_refused_total", "request", "subscription"));
        Assert.Equal(0L, publisher.GetStats().RefusedSubscriptions);
    }

    public void Dispose() => Directory.Delete(_files, recursive: true);
}
