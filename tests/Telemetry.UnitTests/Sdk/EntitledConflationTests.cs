using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sdk;

/// <summary>A conflated subscription (<c>_cfl.&lt;prefix&gt;</c>) carries the prefix's data, so it needs the prefix's grant.</summary>
public class EntitledConflationTests
{
    [Fact]
    public async Task A_conflated_subscription_is_honoured_only_for_a_prefix_the_token_grants()
    {
        byte[] secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "feed", Bind = ["tcp://127.0.0.1:*"], EntitlementSecret = Convert.ToBase64String(secret) });
        string onlyA = Telemetry.Security.EntitlementTokens.Issue(secret, "desk-a", ["md.A."], DateTimeOffset.UtcNow.AddHours(1));
        var granted = new Collector<Tick>();
        var refused = new Collector<Tick>();
        SubscriberOptions Options(string prefix) => new() { Connect = [publisher.BoundEndpoints[0]], Prefixes = [prefix], EntitlementToken = onlyA, Conflation = Conflation.Always };
        await using var a = granted.Attach(new TelemetrySubscriber(Options("md.A.")));
        await using var b = refused.Attach(new TelemetrySubscriber(Options("md.B.")));
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1 && publisher.GetStats().RefusedSubscriptions == 1, 20_000, () => $"{publisher.GetStats()}");

        for (int i = 1; i <= 1000; i++)
        {
            publisher.Publish("md.A.X", TestBatches.Tick(i));
            publisher.Publish("md.B.X", TestBatches.Tick(i));
        }

        await publisher.FlushAsync();
        await Eventually.Until(() => granted.Records.Any(r => r.Sequence == 1000), 20_000, "the granted peer gets md.A.X's latest value");

        // One more value of each after that: had the refused peer been served, md.B.X would be there by now.
        publisher.Publish("md.A.X", TestBatches.Tick(1001));
        publisher.Publish("md.B.X", TestBatches.Tick(1001));
        await Eventually.Until(() => granted.Records.Any(r => r.Sequence == 1001), 20_000, "md.A.X's next value");
        Assert.All(granted.Records, r => Assert.Equal("md.A.X", r.Topic));
        Assert.Empty(refused.Records);
        Assert.Empty(granted.Gaps);
    }
}
