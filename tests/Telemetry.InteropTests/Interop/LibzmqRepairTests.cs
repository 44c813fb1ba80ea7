using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Interop;

/// <summary>
/// Gap repair from a libzmq program written from docs/wire-format.md section 14
/// (tests/interop/repair_client.py): it asks an SDK publisher for a range of a stream up the data
/// connection and gets exactly those records back, and gets the documented answers for a request
/// of an unsupported version and for a stream nobody has.
/// </summary>
public class LibzmqRepairTests
{
    [SkippableFact]
    public async Task A_libzmq_subscriber_repairs_an_exact_range_from_a_publisher_window()
    {
        PythonPeer.SkipIfUnavailable();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "dotnet-feed", Bind = ["tcp://127.0.0.1:*"] });
        var topic = publisher.Topic("md.R");
        await using var client = PythonPeer.Start("repair_client.py", "--connect", publisher.BoundEndpoints[0], "--topic", "md.R", "--first", "100", "--last", "350");
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, 30_000, "the script's subscription should reach the publisher");
        for (int i = 1; i <= 1000; i++)
        {
            publisher.Publish(topic, TestBatches.Tick(i));
        }

        await publisher.FlushAsync();
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var answers = PythonPeer.JsonLines(client).Where(e => e.GetProperty("event").GetString() == "answer").ToList();
        Assert.Equal(3, answers.Count);

        var repaired = answers[0];
        Assert.Equal("ok", repaired.GetProperty("outcome").GetString());
        Assert.Equal([100, 350, 251], repaired.GetProperty("sequences").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(Enumerable.Range(100, 251).Select(i => (long)i), repaired.GetProperty("exchange_ts").EnumerateArray().Select(e => e.GetInt64()));

        Assert.Equal("unsupported", answers[1].GetProperty("outcome").GetString());
        Assert.Empty(answers[1].GetProperty("sequences").EnumerateArray());
        Assert.Equal("unknown", answers[2].GetProperty("outcome").GetString());
        Assert.Equal(1, publisher.GetStats().Retransmit.RepairsMalformed); // the version-2 request
    }
}
