using Microsoft.Extensions.Logging;
using Telemetry.Logging;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Logging;

public class TelemetryLoggerTests
{
    [Fact]
    public async Task Structured_log_records_reach_a_bound_sink_on_per_level_topics()
    {
        await using var sink = new TelemetrySubscriber(new SubscriberOptions { Bind = ["tcp://127.0.0.1:*"], Prefixes = ["log."] });
        var collector = new Collector<LogRecord>();
        collector.Attach(sink);
        using var provider = new TelemetryLoggerProvider(new TelemetryLoggerOptions { Application = "orders.api", Connect = [sink.BoundEndpoints[0]] });
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(provider));
        var logger = factory.CreateLogger("Orders.Service");
        await Eventually.Until(() => provider.GetStats().Subscriptions == 1);

        logger.LogDebug("not published: below the provider's minimum level");
        for (int i = 0; i < 50; i++)
        {
            logger.LogInformation(new EventId(7, "OrderPlaced"), "Order {OrderId} placed for {Amount}", i, 12.5m);
        }

        logger.LogError(new InvalidOperationException("boom"), "Order {OrderId} failed", 99);
        await Eventually.Until(() => collector.Records.Count == 51);

        var info = collector.Records.Where(r => r.Topic == "log.orders-api.Information").ToList();
        Assert.Equal(50, info.Count);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (ulong)i), info.Select(r => r.Sequence));
        var first = info[0].Record;
        Assert.Equal(("Orders.Service", "Order 0 placed for 12.5", LogLevel.Information), (first.Category, first.Message, first.Level));
        Assert.Equal("Order {OrderId} placed for {Amount}", first.Properties!["template"]);
        Assert.Equal(("0", "12.5", "OrderPlaced"), (first.Properties["OrderId"], first.Properties["Amount"], first.Properties["eventId"]));

        var error = Assert.Single(collector.Records, r => r.Topic == "log.orders-api.Error").Record;
        Assert.Contains("InvalidOperationException: boom", error.Exception, StringComparison.Ordinal);
        Assert.DoesNotContain(collector.Records, r => r.Record.Level == LogLevel.Debug);
    }

    [Fact]
    public async Task A_stalled_sink_never_blocks_the_application_and_every_drop_is_counted()
    {
        await using var sink = new TelemetrySubscriber(new SubscriberOptions { Bind = ["tcp://127.0.0.1:*"], Prefixes = ["log."], ReceiveHighWatermark = 1 });
        using var stalled = new ManualResetEventSlim(false);
        var collector = new Collector<LogRecord>();
        collector.Attach(sink, onBatch: () => stalled.Wait());
        using var provider = new TelemetryLoggerProvider(new TelemetryLoggerOptions { Application = "chatty", Connect = [sink.BoundEndpoints[0]], QueueCapacity = 1024 });
        var logger = provider.CreateLogger("Chatty");
        await Eventually.Until(() => provider.GetStats().Subscriptions == 1);

        // The sink is stuck in its handler: its socket, then the publisher's, fill up. Every Log call
        // must still return; what cannot be queued is dropped and counted, nothing waits.
        // Logging goes on until the first drop (ZeroMQ's and the send budget's room is finite, so one
        // comes), with a cap far beyond that room so a logger that never drops fails rather than hangs.
        long calls = 0;
        while (provider.GetStats().DroppedQueueFull == 0 && calls < 5_000_000)
        {
            logger.LogWarning("message {Index}", calls++);
        }

        var stats = provider.GetStats();
        Assert.Equal(calls, stats.Published + stats.DroppedQueueFull);
        Assert.True(stats.DroppedQueueFull > 0, "a 1,024-record queue in front of a stalled sink must drop");
        stalled.Set();
    }
}
