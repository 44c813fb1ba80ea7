using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Interop;

/// <summary>Telemetry publishers checked by a libzmq SUB written from docs/wire-format.md (tests/interop/check_subscriber.py).</summary>
public class LibzmqSubscriberTests
{
    [SkippableFact]
    public async Task An_SDK_publisher_satisfies_a_libzmq_subscriber_with_exact_values_and_sequences()
    {
        PythonPeer.SkipIfUnavailable();
        const int perTopic = 1000;
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "dotnet-feed", Bind = ["tcp://127.0.0.1:*"] });
        PublisherTopic[] topics = [publisher.Topic("md.SIM.AAA"), publisher.Topic("md.SIM.BBB")];
        var elsewhere = publisher.Topic("other.SIM.AAA");

        // Nobody subscribes yet: these are not sent, but they take sequence numbers 1..100, so the
        // checker must see md.SIM.AAA start at 101 (and md.SIM.BBB, never published before, at 1).
        for (int s = 1; s <= 100; s++)
        {
            publisher.Publish(topics[0], SampleRecords.Tick(0, s));
        }

        await publisher.FlushAsync();
        Assert.Equal(100, publisher.GetStats().DroppedUnsubscribed);

        await using var checker = PythonPeer.Start(
            "check_subscriber.py", "--connect", publisher.BoundEndpoints[0], "--prefix", "md.SIM.", "--records", $"{topics.Length * perTopic}");
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, 30_000, "the checker's subscription should reach the publisher");
        for (int s = 1; s <= perTopic; s++)
        {
            publisher.Publish(topics[0], SampleRecords.Tick(0, s));
            publisher.Publish(topics[1], SampleRecords.Tick(1, s));
            publisher.Publish(elsewhere, SampleRecords.Tick(2, s));
        }

        var summary = await CheckerSummary.WaitForAsync(checker);
        Assert.Equal((topics.Length * perTopic, 0), (summary.Records, summary.Restarts));
        Assert.Equal(["md.SIM.AAA", "md.SIM.BBB"], summary.Streams.Select(s => s.GetProperty("topic").GetString()));
        foreach (var (stream, index) in summary.Streams.Select((s, i) => (s, i)))
        {
            Assert.Equal(("dotnet-feed", publisher.Session, "tick"), (stream.GetProperty("publisher").GetString(), stream.GetProperty("session").GetUInt64(), stream.GetProperty("kind").GetString()));
            long first = index == 0 ? 101 : 1;
            Assert.Equal((first, first + perTopic - 1, (long)perTopic), (stream.GetProperty("first_seq").GetInt64(), stream.GetProperty("last_seq").GetInt64(), stream.GetProperty("records").GetInt64()));
            Assert.Equal(CheckerSummary.Fields(SampleRecords.Tick(index, 1)), CheckerSummary.Fields(stream.GetProperty("first_record")));
            Assert.Equal(CheckerSummary.Fields(SampleRecords.Tick(index, perTopic)), CheckerSummary.Fields(stream.GetProperty("last_record")));
            Assert.Equal(CheckerSummary.Sums(Enumerable.Range(1, perTopic).Select(s => SampleRecords.Tick(index, s))), CheckerSummary.Sums(stream));
        }
    }

    [SkippableFact]
    public async Task The_publisher_host_satisfies_a_libzmq_subscriber()
    {
        PythonPeer.SkipIfUnavailable();
        string host = RepoPaths.Program("publisher", "Telemetry.Publisher");
        Assert.True(File.Exists(host), $"{host} is missing; the test project builds it through a project reference.");
        string endpoint = FreePort.TcpEndpoint();
        const int records = 2000;
        await using var feed = ChildProcess.StartDotnet(host, "--bind", endpoint, "--symbols", "5", "--rate", "2000", "--metrics-port", $"{FreePort.Next()}");
        await using var checker = PythonPeer.Start("check_subscriber.py", "--connect", endpoint, "--prefix", "md.SIM.", "--records", $"{records}");

        var summary = await CheckerSummary.WaitForAsync(checker, feed);
        Assert.False(feed.HasExited, $"The host exited.\n{summary}");
        Assert.True(summary.Records >= records);
        Assert.Equal(0, summary.Restarts);
        Assert.Equal(
            new[] { "AAPL", "AMZN", "GOOG", "MSFT", "NVDA" }.Select(s => "md.SIM." + s),
            summary.Streams.Select(s => s.GetProperty("topic").GetString()));
        Assert.Single(summary.Streams.Select(s => (s.GetProperty("publisher").GetString(), s.GetProperty("session").GetUInt64())).Distinct());
        Assert.All(summary.Streams, s => Assert.True(s.GetProperty("first_seq").GetInt64() >= 1));
        Assert.All(summary.Streams.SelectMany(s => new[] { s.GetProperty("first_record"), s.GetProperty("last_record") }), AssertSimulatedTrade);
    }

    /// <summary>The host's random walk: cents, bid and ask one cent either side, whole sizes, trade + simulated.</summary>
    private static void AssertSimulatedTrade(System.Text.Json.JsonElement record)
    {
        long[] f = [.. record.EnumerateArray().Take(8).Select(v => v.GetInt64())];
        Assert.Equal((f[1] - 1, f[1] + 1), (f[2], f[3]));
        Assert.True(f[1] >= 100 && f[4] >= 1, $"price {f[1]}, size {f[4]}");
        Assert.Equal((2L, 0L, (long)(TickFlags.Trade | TickFlags.Simulated)), (f[5], f[6], f[7]));
    }
}
