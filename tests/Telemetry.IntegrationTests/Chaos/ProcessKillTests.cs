using Telemetry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Telemetry.Tests.Chaos;

/// <summary>
/// SIGKILL of the publisher host and of a relay, each in its own network namespace, then a restart on
/// the same ports: the subscribers below resume without help, a publisher restart is a new session
/// and not a gap, and the records a dead relay did not pass on are reported exactly. Root only.
/// </summary>
[Collection(ChaosProcesses.Name)]
public class ProcessKillTests(ITestOutputHelper output)
{
    private static readonly string[][] Below = [["md.SIM.AAPL"], ["md.SIM.MSFT", "md.SIM.NVDA"]];

    [SkippableFact]
    public async Task A_publisher_killed_and_restarted_behind_a_relay_is_seen_below_as_a_restart_with_no_gap()
    {
        Skip.If(NetnsLab.Unavailable is not null, NetnsLab.Unavailable);
        using var lab = NetnsLab.Create("origin", "regional");
        await using var origin = await PublisherHostProcess.StartAsync(lab, "origin", "origin", [$"tcp://{lab.Address("origin")}:5556"], symbols: 5, rate: 2000);
        await using var relay = await StartRelayAsync(lab);
        await using var below = new SubscribersBelow(relay.Endpoint, Below);
        await Eventually.Until(() => below.Topics.All(t => below.Sequences(t.Index, t.Topic).Count >= 100), 30_000, relay.Describe());
        ulong before = below.Collectors[0].Records.First().Session;

        await origin.KillAsync();
        below.Mark();
        await origin.RestartAsync();
        await Eventually.Until(
            () => below.Topics.All(t => below.Collectors[t.Index].Records.Count(r => r.Topic == t.Topic && r.Session != before) >= 100),
            30_000,
            () => $"every subscriber should get records of the new session\n{relay.Describe()}\n{origin.Describe()}");
        output.WriteLine($"publisher restart (kill, new process started) to first record below: {below.SinceMark?.TotalMilliseconds:F0} ms; failed starts: {origin.FailedStarts.Count}");

        foreach (var (index, topic) in below.Topics)
        {
            var collector = below.Collectors[index];
            var records = collector.Records.Where(r => r.Topic == topic).ToList();
            var restart = Assert.Single(collector.Restarts, r => r.Topic == topic);
            Assert.Equal(("origin", before), (restart.Publisher, restart.PreviousSession));
            Assert.NotEqual(before, restart.Session);

            // Two sessions, one after the other, each without a hole; the new one starts where the restart event says.
            var old = records.TakeWhile(r => r.Session == before).Select(r => r.Sequence).ToList();
            var fresh = records.Skip(old.Count).ToList();
            Assert.All(fresh, r => Assert.Equal(restart.Session, r.Session));
            Assert.Single(SequenceRange.Runs(old));
            Assert.Equal([new SequenceRange(restart.FirstSequence, fresh[^1].Sequence)], SequenceRange.Runs(fresh.Select(r => r.Sequence)));
        }

        Assert.All(below.Collectors, c => Assert.Empty(c.Gaps));
        Assert.All(below.Subscribers, s => Assert.Equal(0L, s.GetStats().MissingRecords));
        Assert.True((await relay.CountersAsync()).UpstreamConnects >= 2, relay.Describe());
    }

    [SkippableFact]
    public async Task A_relay_killed_and_restarted_in_its_namespace_resumes_the_subscribers_below_with_every_record_repaired()
    {
        Skip.If(NetnsLab.Unavailable is not null, NetnsLab.Unavailable);
        using var lab = NetnsLab.Create("origin", "regional");
        string originEndpoint = $"tcp://{lab.Address("origin")}:5556";
        await using var origin = await PublisherHostProcess.StartAsync(lab, "origin", "origin", [originEndpoint], symbols: 5, rate: 2000);
        var witness = new Collector<Tick>();
        await using var witnessSubscriber = witness.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [originEndpoint], Prefixes = ["md."] }));
        await Eventually.Until(() => witness.Records.Count >= 100, 20_000, origin.Describe());
        await using var relay = await StartRelayAsync(lab);
        await using var below = new SubscribersBelow(relay.Endpoint, Below);
        await Eventually.Until(() => below.Topics.All(t => below.Sequences(t.Index, t.Topic).Count >= 100), 30_000, relay.Describe());

        await relay.KillAsync();
        int atKill = witness.Records.Count;

        // Long enough dead that records are surely lost (the origin goes on at 2,000 records/s).
        await Eventually.Until(() => witness.Records.Count >= atKill + 2000, 20_000, "the origin should go on publishing while the relay is dead");
        var counts = below.Collectors.Select(c => c.Records.Count).ToArray();
        below.Mark();
        await relay.RestartAsync();
        await Eventually.Until(
            () => below.Topics.All(t => below.Collectors[t.Index].Records.Skip(counts[t.Index]).Count(r => r.Topic == t.Topic) >= 100),
            30_000,
            () => $"every subscriber below should be served again by the restarted relay\n{relay.Describe()}");
        var resumedAfter = below.SinceMark;

        // The outage cost records on every topic; the origin's window gave them all back through the
        // restarted relay (its own window empty, it passed the requests up).
        var repaired = await WitnessCheck.AssertExactRepairAsync(below, witness, "origin");
        output.WriteLine(
            $"relay restart (new process started) to first record below: {resumedAfter?.TotalMilliseconds:F0} ms; failed starts: {relay.FailedStarts.Count}; records repaired below: {string.Join(", ", repaired)}");
        Assert.All(repaired, r => Assert.True(r > 0, $"every subscriber below should have had records repaired: {string.Join(", ", repaired)}"));
        Assert.All(below.Collectors, c => Assert.Empty(c.Restarts));
        var counters = await relay.CountersAsync();
        Assert.Equal((long)Below.Sum(p => p.Length), counters.SubscriptionsHeld);
    }

    private static Task<RelayProcess> StartRelayAsync(NetnsLab lab)
    {
        string regional = lab.Address("regional").ToString();
        return RelayProcess.StartAsync(
            "regional", [$"tcp://{lab.Address("origin")}:5556"], bind: $"tcp://{regional}:5560", snapshotBind: $"tcp://{regional}:5561",
            upstreamSnapshot: [$"tcp://{lab.Address("origin")}:5557"], netns: lab.Namespace("regional"), metricsHost: regional);
    }
}
