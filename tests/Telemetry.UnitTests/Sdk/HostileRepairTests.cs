using MessagePack;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Tests.Infrastructure;
using Telemetry.Wire;

namespace Telemetry.Tests.Sdk;

/// <summary>
/// Repair requests from a hostile peer (a raw XSUB): unreadable frames, other versions, oversized
/// frames, huge ranges, unknown streams and a flood. Each is counted, bounded by the same pending
/// set as snapshot requests, and a well-behaved subscriber on the same publisher gets every record.
/// </summary>
public class HostileRepairTests
{
    private const int Records = 20_000;
    private const int Flood = 20_000;

    [Fact]
    public async Task Hostile_repair_requests_are_counted_and_bounded_and_the_data_goes_on()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "feed", Bind = ["tcp://127.0.0.1:*"] });
        var good = new Collector<Tick>();
        await using var subscriber = good.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [publisher.BoundEndpoints[0]], Prefixes = ["md."] }));
        using var hostile = new XSubscriberSocket();
        hostile.Options.Linger = TimeSpan.Zero;
        hostile.Options.SendHighWatermark = 0;
        hostile.Connect(publisher.BoundEndpoints[0]);
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1 && publisher.GetStats().Connections == 2);

        var topic = publisher.Topic("md.H");
        for (int i = 1; i <= Records / 2; i++)
        {
            publisher.Publish(topic, TestBatches.Tick(i));
        }

        await Eventually.Until(() => good.Records.Count == Records / 2);

        // Unreadable: not MessagePack, a wrong field count, a frame over the 8 KiB limit, another version.
        byte[][] malformed =
        [
            [RepairProtocol.RequestMarker, 0xc1, 0xc1],
            [RepairProtocol.RequestMarker, .. MessagePackSerializer.Serialize(new object[] { 1, "n1", "feed" })],
            [RepairProtocol.RequestMarker, .. MessagePackSerializer.Serialize(new object[] { 1, "n2", "feed", publisher.Session, new string('x', 9000), 1, 2, null! })],
            [RepairProtocol.RequestMarker, .. MessagePackSerializer.Serialize(new object[] { 9, "n3" })],
        ];
        foreach (var frame in malformed)
        {
            hostile.SendFrame(frame);
        }

        // Readable but hostile: the whole sequence space, a stream nobody has, and a flood.
        hostile.SendFrame(RepairProtocol.EncodeRequest(new RepairRequest("huge", "feed", publisher.Session, "md.H", 1, ulong.MaxValue, null)));
        hostile.SendFrame(RepairProtocol.EncodeRequest(new RepairRequest("stranger", "nobody", 1, "md.NONE", 1, 10, null)));
        for (int i = 0; i < Flood; i++)
        {
            hostile.SendFrame(RepairProtocol.EncodeRequest(new RepairRequest($"flood{i}", "feed", publisher.Session, "md.H", 1, (ulong)Records, null)));
        }

        for (int i = Records / 2 + 1; i <= Records; i++)
        {
            publisher.Publish(topic, TestBatches.Tick(i));
        }

        // The data went on: every record, once, in order, no gap.
        await Eventually.Until(() => good.Records.Count == Records, 60_000);
        Assert.Equal(Enumerable.Range(1, Records).Select(i => (ulong)i), good.Records.Select(r => r.Sequence));
        Assert.Empty(good.Gaps);

        // Every request is accounted for: unreadable ones as malformed (the version-9 one is also
        // answered "unsupported"), the rest answered or refused at the pending bound.
        int readable = 2 + Flood;
        await Eventually.Until(
            () => publisher.GetStats().Retransmit is var r && r.RepairsMalformed == malformed.Length && r.RepairsAnswered + r.RepairsRefused == readable,
            60_000,
            "every hostile request should be counted");
        var stats = publisher.GetStats().Retransmit;
        Assert.True(stats.RecordsResent <= (long)readable * (long)RepairProtocol.MaxRecordsPerRequest, $"answers are capped per request: {stats}");
        Assert.Equal(0, subscriber.GetStats().Malformed);
    }
}
