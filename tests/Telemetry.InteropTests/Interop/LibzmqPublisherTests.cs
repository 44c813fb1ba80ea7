using System.Globalization;
using MessagePack;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Interop;

/// <summary>A libzmq XPUB written from docs/wire-format.md (tests/interop/publish_batches.py) feeding the SDK's subscriber.</summary>
public class LibzmqPublisherTests
{
    // Above 2^63, so it travels as MessagePack uint64 and must not be read as a signed number.
    private const ulong Session = 0xF00D_0000_0000_0001;

    [SkippableFact]
    public async Task Ticks_from_a_libzmq_publisher_arrive_with_exact_values_and_sequence_numbers()
    {
        PythonPeer.SkipIfUnavailable();
        string endpoint = FreePort.TcpEndpoint();
        string[] topics = ["md.SIM.AAA", "md.SIM.BBB", "md.SIM.CCC"];
        const int ticksPerTopic = 1000;
        await using var script = PythonPeer.Start(
            "publish_batches.py", "--bind", endpoint, "--publisher", "py-feed", "--session", Session.ToString(CultureInfo.InvariantCulture),
            "--topics", string.Join(',', topics), "--ticks", $"{ticksPerTopic}", "--batch", "64", "--extra-fields");
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["md."] });

        var next = topics.ToDictionary(t => t, _ => 1L);
        await foreach (var r in PeerWait.Read(subscriber.ReadAllAsync<Tick>(), topics.Length * ticksPerTopic, script))
        {
            int index = Array.IndexOf(topics, r.Topic);
            Assert.True(index >= 0, $"Unexpected topic {r.Topic}");
            Assert.Equal(next[r.Topic]++, (long)r.Sequence);
            Assert.Equal(SampleRecords.Tick(index, (long)r.Sequence), r.Record);
            Assert.Equal(("py-feed", Session, "tick"), (r.Publisher, r.Session, r.Kind));
        }

        Assert.All(next.Values, n => Assert.Equal(ticksPerTopic + 1, n));
        Assert.Equal(0, await script.WaitForExitAsync(PeerWait.ExitTimeout));
        var stats = subscriber.GetStats();
        Assert.Equal((0L, 0L, 0L, 0L), (stats.Gaps, stats.Malformed, stats.KindMismatch, stats.DuplicateRecords));
    }

    [SkippableFact]
    public async Task Every_kind_from_a_libzmq_publisher_is_decoded_by_the_batch_callback()
    {
        PythonPeer.SkipIfUnavailable();
        string endpoint = FreePort.TcpEndpoint();
        const int ticks = 100, logs = 7, metrics = 4, orders = 3;
        await using var script = PythonPeer.Start(
            "publish_batches.py", "--bind", endpoint, "--session", Session.ToString(CultureInfo.InvariantCulture), "--topics", "md.SIM.AAA",
            "--ticks", $"{ticks}", "--logs", $"{logs}", "--metrics", $"{metrics}", "--custom", $"{orders}", "--batch", "3", "--extra-fields");
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = [""] });
        var received = new ReceivedByKind();
        subscriber.Start(received.Add);

        await received.WaitForAsync(ticks + logs + metrics + orders, script);

        Assert.Equal(Enumerable.Range(1, ticks).Select(s => ("md.SIM.AAA", (ulong)s, SampleRecords.Tick(0, s))), received.Ticks);
        Assert.Equal(Enumerable.Range(1, logs).Select(i => (ulong)i), received.Logs.Select(l => l.Sequence));
        Assert.All(received.Logs, l => AssertLog(SampleRecords.Log((int)l.Sequence), l.Record, l.Topic));
        Assert.Equal(Enumerable.Range(1, metrics).Select(i => (ulong)i), received.Metrics.Select(m => m.Sequence));
        Assert.All(received.Metrics, m => AssertMetric(SampleRecords.Metric((int)m.Sequence), m.Record, m.Topic));
        Assert.Equal(Enumerable.Range(1, orders).Select(i => (ulong)i), received.Others.Select(o => o.Sequence));
        Assert.All(received.Others, o => AssertOrder((int)o.Sequence, o));
        Assert.Equal(0, await script.WaitForExitAsync(PeerWait.ExitTimeout));
        Assert.Equal((0L, 0L), (subscriber.GetStats().Malformed, subscriber.GetStats().HandlerErrors));
    }

    private static void AssertLog(LogRecord expected, LogRecord actual, string topic)
    {
        Assert.Equal("log.py-app.Information", topic);
        Assert.Equal(expected with { Properties = null }, actual with { Properties = null });
        Assert.Equal(expected.Properties?.OrderBy(p => p.Key), actual.Properties?.OrderBy(p => p.Key));
    }

    private static void AssertMetric(MetricSample expected, MetricSample actual, string topic)
    {
        Assert.Equal("metric.py-host.cpu", topic);
        Assert.Equal(expected with { Labels = null }, actual with { Labels = null });
        Assert.Equal(expected.Labels?.OrderBy(p => p.Key), actual.Labels?.OrderBy(p => p.Key));
    }

    private static void AssertOrder(int index, (string Topic, string Kind, ulong Sequence, RawRecord Record) order)
    {
        Assert.Equal(("app.py.orders", "order"), (order.Topic, order.Kind));
        var reader = new MessagePackReader(order.Record.MessagePack);
        Assert.Equal(3, reader.ReadArrayHeader());
        Assert.Equal((index, index % 2 == 1 ? "buy" : "sell", index * 10), (reader.ReadInt32(), reader.ReadString(), reader.ReadInt32()));
        Assert.True(reader.End);
    }
}
