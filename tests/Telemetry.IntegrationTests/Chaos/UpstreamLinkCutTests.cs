using System.Diagnostics;
using Telemetry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Telemetry.Tests.Chaos;

/// <summary>
/// The link between an origin and a regional relay goes down (<c>ip link set DEV down</c> inside the
/// relay's namespace: a real kernel link, no proxy) for at least 10 s and comes back. Nothing is closed on
/// either side, so only heartbeats can tell the relay its upstream is gone. Root only.
/// </summary>
[Collection(ChaosProcesses.Name)]
public class UpstreamLinkCutTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    // Three subscribers below the relay with different topics: each subscription must hold after the heal.
    private static readonly string[][] Below = [["md.SIM.AAPL"], ["md.SIM.MSFT", "md.SIM.NVDA"], ["md.SIM.AMZN"]];

    [SkippableFact]
    public async Task A_relay_whose_upstream_link_is_down_for_10_s_resumes_by_itself_and_every_record_is_repaired()
    {
        Skip.If(NetnsLab.Unavailable is not null, NetnsLab.Unavailable);
        using var lab = NetnsLab.Create("origin", "regional");

        // The relay reaches the origin over a link of its own; the witness (here, on the bridge) does not use it.
        var wan = lab.Link("origin", "regional");
        string originHub = $"tcp://{lab.Address("origin")}:5556", originWan = $"tcp://{wan.AddressA}:5556";
        await using var origin = await PublisherHostProcess.StartAsync(lab, "origin", "origin", [originHub, originWan], symbols: 5, rate: 2000);
        var witness = new Collector<Tick>();
        await using var witnessSubscriber = witness.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [originHub], Prefixes = ["md."] }));
        await Eventually.Until(() => witness.Records.Count >= 100, 20_000, origin.Describe());

        string regional = lab.Address("regional").ToString();
        await using var relay = await RelayProcess.StartAsync(
            "regional", [originWan], bind: $"tcp://{regional}:5560", snapshotBind: $"tcp://{regional}:5561",
            upstreamSnapshot: [$"tcp://{wan.AddressA}:5557"], netns: lab.Namespace("regional"), metricsHost: regional);
        await using var below = new SubscribersBelow(relay.Endpoint, Below);
        await Eventually.Until(() => below.Topics.All(t => below.Sequences(t.Index, t.Topic).Count >= 100), 30_000, relay.Describe());

        // Cut. Only the relay's heartbeats (1 s, timeout 3 s) can declare the link dead: TCP would
        // wait for minutes. The link stays down until the relay has said so and at least the outage
        // has passed; how long the relay took is printed, not asserted.
        var cutAt = Stopwatch.GetTimestamp();
        lab.SetLinkUp("regional", wan.DeviceB, up: false);
        await Eventually.UntilAsync(
            async () => (await relay.CountersAsync()).UpstreamDisconnects >= 1,
            60_000,
            () => $"the relay should declare its dead upstream lost (heartbeats)\n{relay.Describe()}");
        var noticed = Stopwatch.GetElapsedTime(cutAt);
        if (noticed < Outage)
        {
            await Task.Delay(Outage - noticed);
        }

        int witnessDuringOutage = witness.Records.Count;
        var down = Stopwatch.GetElapsedTime(cutAt);
        below.Mark();
        lab.SetLinkUp("regional", wan.DeviceB, up: true);
        var counts = below.Collectors.Select(c => c.Records.Count).ToArray();
        await Eventually.Until(
            () => below.Topics.All(t => below.Collectors[t.Index].Records.Skip(counts[t.Index]).Count(r => r.Topic == t.Topic) >= 100),
            30_000,
            () => $"every subscription below should be served again after the heal\n{relay.Describe()}");
        var resumedAfter = below.SinceMark;

        var repaired = await WitnessCheck.AssertExactRepairAsync(below, witness, "origin");
        var counters = await relay.CountersAsync();
        output.WriteLine(
            $"link down {down.TotalSeconds:F1} s; relay noticed the dead upstream after {noticed.TotalMilliseconds:F0} ms; " +
            $"heal to first record below: {resumedAfter?.TotalMilliseconds:F0} ms; relay upstream connects {counters.UpstreamConnects}, disconnects {counters.UpstreamDisconnects}; " +
            $"witness records {witness.Records.Count} (at heal {witnessDuringOutage}); records repaired below: {string.Join(", ", repaired)}");

        // The outage cost records on every topic, and the origin's window (30 s) gave them all back.
        Assert.All(repaired, r => Assert.True(r > 0, $"every subscriber below should have had records repaired: {string.Join(", ", repaired)}"));
        Assert.True(counters.UpstreamConnects >= 2, $"the relay should have reconnected upstream: {counters}");
        Assert.Equal(Below.Sum(p => p.Length), counters.SubscriptionsHeld);

        // Each subscriber still gets its topics and nothing else.
        for (int i = 0; i < Below.Length; i++)
        {
            Assert.Equal(Below[i].Order(), below.Collectors[i].Records.Select(r => r.Topic).Distinct().Order());
            Assert.Empty(below.Collectors[i].Restarts);
            Assert.Equal(below.Collectors[i].Gaps.Sum(g => (long)g.Count), below.Subscribers[i].GetStats().MissingRecords);
        }
    }
}
