namespace Telemetry.Tests.Sdk;

using Telemetry.Tests.Infrastructure;

public class PubSubTests
{
    [Fact]
    public async Task Records_published_over_tcp_arrive_in_order_with_sequence_numbers()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "p1", Bind = ["tcp://127.0.0.1:*"] });
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [publisher.BoundEndpoints[0]], Prefixes = ["md."] });
        var reader = subscriber.ReadAllAsync<Tick>().GetAsyncEnumerator();
        var topic = publisher.Topic("md.SIM.AAPL");

        // The slow joiner: publish until the subscription has reached the publisher.
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);
        for (int i = 0; i < 10_000; i++)
        {
            publisher.Publish(topic, new Tick(i, 100 + i, 99, 101, 5, 2, 0, TickFlags.Trade));
        }

        ulong expected = 1;
        while (expected <= 10_000)
        {
            Assert.True(await reader.MoveNextAsync());
            var r = reader.Current;
            Assert.Equal(expected, r.Sequence);
            Assert.Equal((long)expected - 1, r.Record.ExchangeTimeNs);
            Assert.Equal("md.SIM.AAPL", r.Topic);
            Assert.Equal("p1", r.Publisher);
            Assert.Equal("tick", r.Kind);
            expected++;
        }

        Assert.Equal(0, subscriber.GetStats().Gaps);
    }
}
