using Telemetry.Hosting;
using Telemetry.Tests.Infrastructure;
using Telemetry.Tests.Security;

namespace Telemetry.Tests.Relay;

/// <summary>
/// A relay in collector mode (<c>--collect</c>): it binds its upstream side, applications' publishers
/// connect to it, and subscribers, sinks and dashboards connect below, as to any relay.
/// </summary>
public sealed class CollectorTests : IDisposable
{
    private readonly string _files = Directory.CreateTempSubdirectory("telemetry-collector-").FullName;

    [Fact]
    public async Task Publishers_that_connect_to_a_collector_reach_subscribers_below_and_only_wanted_topics_cross()
    {
        string collect = FreePort.TcpEndpoint();
        await using var relay = await SecureRelay.StartAsync("--collect", collect);
        await using var orders = new TelemetryPublisher<LogRecord>(new PublisherOptions { Name = "orders-api", Connect = [collect] });
        await using var billing = new TelemetryPublisher<LogRecord>(new PublisherOptions { Name = "billing", Connect = [collect] });
        var collector = new Collector<LogRecord>();
        await using var subscriber = collector.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [relay.Endpoint], Prefixes = ["log.orders-api.", "log.billing.Error"] }));

        // The subscriptions travel up through the collector to publishers that connected to it.
        await Eventually.Until(() => orders.GetStats().Subscriptions == 2 && billing.GetStats().Subscriptions == 2, 30_000, relay.Describe());
        for (int i = 1; i <= 500; i++)
        {
            orders.Publish("log.orders-api.Information", Log(i));
            billing.Publish("log.billing.Information", Log(i));
            billing.Publish("log.billing.Error", Log(i));
        }

        await Eventually.Until(() => collector.Records.Count == 1000, 30_000, relay.Describe());
        foreach (var topic in new[] { "log.orders-api.Information", "log.billing.Error" })
        {
            Assert.Equal(Enumerable.Range(1, 500).Select(i => (ulong)i), collector.Records.Where(r => r.Topic == topic).Select(r => r.Sequence));
        }

        // billing's Information records were wanted by nobody: not even encoded, so never on the link.
        await Eventually.Until(() => billing.GetStats().DroppedUnsubscribed == 500, 10_000, billing.GetStats().ToString());
        Assert.Equal(500, billing.GetStats().Sent);
        var counters = await relay.CountersAsync();
        Assert.Equal((2L, 0L), (counters.UpstreamConnects, counters.Malformed));
        Assert.Empty(collector.Gaps);
    }

    [Fact]
    public async Task A_late_joiner_behind_a_collector_gets_the_latest_record_of_every_topic_from_its_cache()
    {
        string collect = FreePort.TcpEndpoint();
        await using var relay = await SecureRelay.StartAsync("--collect", collect);
        await using var publisher = new TelemetryPublisher<MetricSample>(new PublisherOptions { Name = "sysmon", Connect = [collect] });
        var first = new Collector<MetricSample>();
        await using var watcher = first.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [relay.Endpoint], Prefixes = ["metric."] }));
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, 30_000, relay.Describe());
        string[] topics = ["metric.host1.cpu", "metric.host1.mem", "metric.host2.cpu"];
        for (int n = 1; n <= 20; n++)
        {
            foreach (var topic in topics)
            {
                publisher.Publish(topic, new MetricSample(topic, null, n * 1.5, n));
            }
        }

        await Eventually.Until(() => first.Records.Count == 60, 30_000, relay.Describe());

        // No upstream snapshot service behind a collector: the relay's own cache answers.
        var late = new Collector<MetricSample>();
        await using var lateSubscriber = late.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [relay.Endpoint], Prefixes = ["metric.host1."], Snapshot = true, SnapshotEndpoints = [relay.SnapshotEndpoint] }));
        await Eventually.Until(() => lateSubscriber.GetStats().Snapshots == 1 && late.Records.Count >= 2, 30_000, relay.Describe());
        Assert.Equal(["metric.host1.cpu", "metric.host1.mem"], late.Records.Select(r => r.Topic).Order(StringComparer.Ordinal));
        Assert.All(late.Records, r => Assert.Equal((20UL, 20L), (r.Sequence, r.Record.TimestampNs)));
    }

    [Fact]
    public async Task A_collector_with_CURVE_takes_only_publishers_that_know_its_key_and_enforces_entitlements_below()
    {
        var relayKeys = CurveKeyPair.Generate();
        KeyFiles.Write(_files, "collector", relayKeys, overwrite: false);
        string secretFile = Path.Combine(_files, "collector.secret");
        KeyFiles.WriteEntitlementSecret(secretFile);
        string secret = KeyFiles.ReadEntitlementSecret(secretFile);
        string collect = FreePort.TcpEndpoint();
        await using var relay = await SecureRelay.StartAsync("--collect", collect, "--curve-key", Path.Combine(_files, "collector.key"), "--entitlement-secret", secretFile);

        var appKeys = CurveKeyPair.Generate();
        await using var trusted = new TelemetryPublisher<LogRecord>(new PublisherOptions { Name = "trusted", Connect = [collect], CurveServerKey = relayKeys.PublicKey, CurveSecretKey = appKeys.SecretKey });
        await using var plaintext = new TelemetryPublisher<LogRecord>(new PublisherOptions { Name = "plaintext", Connect = [collect] });
        var ops = new Collector<LogRecord>();
        await using var opsSubscriber = ops.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [relay.Endpoint], Prefixes = ["log."], CurveServerKey = relayKeys.PublicKey, EntitlementToken = Tokens.Issue(secret, "ops", "log."),
        }));
        var alice = new Collector<LogRecord>();
        await using var aliceSubscriber = alice.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [relay.Endpoint], Prefixes = ["log.trusted.Error", "log.trusted.Information"], CurveServerKey = relayKeys.PublicKey, EntitlementToken = Tokens.Issue(secret, "alice", "log.trusted.Error"),
        }));

        await Eventually.Until(() => trusted.GetStats().Subscriptions >= 2, 30_000, relay.Describe());
        for (int i = 1; i <= 100; i++)
        {
            trusted.Publish("log.trusted.Error", Log(i));
            trusted.Publish("log.trusted.Information", Log(i));
            plaintext.Publish("log.plaintext.Error", Log(i));
        }

        await Eventually.Until(() => ops.Records.Count == 200 && alice.Records.Count == 100, 30_000, relay.Describe());

        // The plaintext publisher never got through the CURVE handshake: no subscription, no byte.
        Assert.Equal(0, plaintext.GetStats().Subscriptions);
        Assert.DoesNotContain(ops.Records, r => r.Publisher == "plaintext");
        Assert.All(alice.Records, r => Assert.Equal("log.trusted.Error", r.Topic));
        var metrics = await relay.ScrapeAsync();
        Assert.True(metrics.Get("telemetry_relay_entitlement_refused_total", "request", "subscription") >= 1);
    }

    [Fact]
    public async Task Telemetry_pub_into_a_collector_host_reaches_a_sink_that_connects_below_in_order()
    {
        string collect = FreePort.TcpEndpoint();
        await using var relay = await SecureRelay.StartAsync("--collect", collect);
        string dir = Directory.CreateDirectory(Path.Combine(_files, "sink")).FullName;
        string cli = RepoPaths.Program("cli", "telemetry");
        await using var sink = ChildProcess.StartDotnet(cli, "sink", "--connect", relay.Endpoint, "--prefix", "log.", "--out", dir, "--metrics-port", "0");
        await Eventually.UntilAsync(async () => (await relay.CountersAsync()).SubscriptionsHeld >= 1, 30_000, () => relay.Describe() + sink.Describe());

        await using var pub = ChildProcess.StartDotnet(cli, "pub", "--connect", collect, "--name", "app", "--wait-for-subscriber", "60");
        const int Lines = 10_000;
        await Sink.SinkFiles.FeedLogLinesAsync(pub, "app", Lines, "Collector.Test");
        Assert.Equal(0, await pub.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        await Eventually.Until(() => Sink.SinkFiles.CompleteLines(dir) >= Lines, 60_000, "every line should reach the sink\n" + sink.Describe());

        var records = Sink.SinkFiles.ReadWholeLines(Directory.GetFiles(dir, "*.jsonl"));
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => (long)i), records.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => $"line {i} from app"), records.Select(r => r.GetProperty("message").GetString()));
    }

    public void Dispose() => Directory.Delete(_files, recursive: true);

    private static LogRecord Log(int i) => new(i, Microsoft.Extensions.Logging.LogLevel.Information, "Collector.Test", $"record {i}");
}
