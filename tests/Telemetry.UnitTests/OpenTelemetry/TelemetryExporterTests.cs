using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Telemetry.OpenTelemetry;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.OpenTelemetry;

/// <summary>OpenTelemetry's own SDK, with our exporters, into a real subscriber over TCP.</summary>
public class TelemetryExporterTests
{
    [Fact]
    public async Task Every_instrument_kind_arrives_cumulative_on_its_topic_with_tags_host_type_and_unit()
    {
        await using var sink = new TelemetrySubscriber(new SubscriberOptions { Bind = ["tcp://127.0.0.1:*"], Prefixes = ["metric."] });
        var collector = new Collector<MetricSample>();
        collector.Attach(sink);
        using var meter = new Meter("Orders.Test." + Guid.NewGuid().ToString("N"));
        var placed = meter.CreateCounter<long>("orders.placed", "{order}");
        var open = meter.CreateUpDownCounter<int>("orders.open");
        var latency = meter.CreateHistogram<double>("orders.latency", "ms");
        meter.CreateObservableGauge("orders.queue_depth", () => 42.5);
        using var provider = global::OpenTelemetry.Sdk.CreateMeterProviderBuilder()
            .AddMeter(meter.Name)
            .AddView("orders.latency", new ExplicitBucketHistogramConfiguration { Boundaries = [10, 100] })
            .AddTelemetryExporter(o =>
            {
                o.Application = "orders.api";
                o.Connect = [sink.BoundEndpoints[0]];
                o.Host = "test-host";
                o.ExportInterval = TimeSpan.FromMinutes(10); // exported by ForceFlush below, not by the clock
            })
            .Build();

        placed.Add(5, new KeyValuePair<string, object?>("route", "/orders"));
        placed.Add(7, new KeyValuePair<string, object?>("route", "/orders"));
        open.Add(10);
        open.Add(-3);
        foreach (double ms in new[] { 3.0, 30.0, 300.0 })
        {
            latency.Record(ms);
        }

        // Values are cumulative, so exporting again until the subscription has arrived changes
        // nothing but how many copies come: the newest sample of each series is the state.
        await Eventually.Until(
            () => provider.ForceFlush() && Latest(collector, "orders.latency_sum") is not null && Latest(collector, "orders.queue_depth") is not null,
            timeoutMs: 10_000,
            because: () => $"received {collector.Records.Count} samples");

        var counter = Latest(collector, "orders.placed")!.Value;
        Assert.Equal((12.0, MetricType.Counter, "{order}"), (counter.Record.Value, counter.Record.Type, counter.Record.Unit));
        Assert.Equal("metric.orders-api.orders.placed", counter.Topic);
        Assert.Equal(new Dictionary<string, string> { ["route"] = "/orders", ["host"] = "test-host" }, counter.Record.Labels);

        var upDown = Latest(collector, "orders.open")!.Value.Record;
        Assert.Equal((7.0, MetricType.UpDownCounter), (upDown.Value, upDown.Type));

        var gauge = Latest(collector, "orders.queue_depth")!.Value.Record;
        Assert.Equal((42.5, MetricType.Gauge), (gauge.Value, gauge.Type));

        var buckets = collector.Records.Where(r => r.Record.Name == "orders.latency_bucket")
            .GroupBy(r => r.Record.Labels!["le"]).ToDictionary(g => g.Key, g => g.Last().Record.Value);
        Assert.Equal(new Dictionary<string, double> { ["10"] = 1, ["100"] = 2, ["+Inf"] = 3 }, buckets);
        var count = Latest(collector, "orders.latency_count")!.Value.Record;
        var sum = Latest(collector, "orders.latency_sum")!.Value.Record;
        Assert.Equal((3.0, 333.0, MetricType.Histogram, "ms"), (count.Value, sum.Value, sum.Type, sum.Unit));
        Assert.All(collector.Records, r => Assert.Equal("metric.orders-api." + r.Record.Name.Replace("_bucket", "").Replace("_count", "").Replace("_sum", ""), r.Topic));
    }

    [Fact]
    public async Task Log_records_arrive_on_per_level_topics_with_attributes_and_the_trace_and_span_ids()
    {
        await using var sink = new TelemetrySubscriber(new SubscriberOptions { Bind = ["tcp://127.0.0.1:*"], Prefixes = ["log."] });
        var collector = new Collector<LogRecord>();
        collector.Attach(sink);
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.AddTelemetryExporter(e => { e.Application = "orders-api"; e.Connect = [sink.BoundEndpoints[0]]; e.Host = "test-host"; });
        }));
        var logger = factory.CreateLogger("Orders.Service");

        // Records logged before the subscription reaches the publisher are not delivered (PUB
        // semantics): log a probe until one arrives, then the records under test.
        await Eventually.Until(() =>
        {
            logger.LogDebug("probe");
            return collector.Records.Any(r => r.Topic == "log.orders-api.Debug");
        });

        using (var activity = new Activity("PlaceOrder").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            logger.LogWarning(new EventId(7, "OrderSlow"), "Order {OrderId} took {Ms} ms", 42, 12.5);
            logger.LogError(new InvalidOperationException("boom"), "Order {OrderId} failed", 43);
            await Eventually.Until(() => collector.Records.Any(r => r.Topic == "log.orders-api.Error"));

            var warning = Assert.Single(collector.Records, r => r.Topic == "log.orders-api.Warning").Record;
            Assert.Equal(("Orders.Service", "Order 42 took 12.5 ms", LogLevel.Warning), (warning.Category, warning.Message, warning.Level));
            Assert.Equal("Order {OrderId} took {Ms} ms", warning.Properties!["template"]);
            Assert.Equal(("42", "12.5", "OrderSlow", "test-host"), (warning.Properties["OrderId"], warning.Properties["Ms"], warning.Properties["eventId"], warning.Properties["host"]));
            Assert.Equal((activity.TraceId.ToHexString(), activity.SpanId.ToHexString()), (warning.Properties["trace_id"], warning.Properties["span_id"]));

            var error = Assert.Single(collector.Records, r => r.Topic == "log.orders-api.Error").Record;
            Assert.Contains("InvalidOperationException: boom", error.Exception, StringComparison.Ordinal);
        }

        var probe = collector.Records.First(r => r.Topic == "log.orders-api.Debug").Record;
        Assert.False(probe.Properties!.ContainsKey("trace_id"), "a record logged outside an activity has no trace id");
    }

    [Fact]
    public void An_exporter_with_nowhere_to_publish_is_refused_when_it_is_added()
    {
        var error = Assert.Throws<ArgumentException>(() => global::OpenTelemetry.Sdk.CreateMeterProviderBuilder().AddTelemetryExporter(o => o.Application = "lost"));
        Assert.Contains("Connect", error.Message, StringComparison.Ordinal);
    }

    private static Received<MetricSample>? Latest(Collector<MetricSample> collector, string name) =>
        collector.Records.LastOrDefault(r => r.Record.Name == name) is { Topic: not null } found ? found : null;
}
