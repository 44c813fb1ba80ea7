using System.Globalization;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Interop;

/// <summary>What docs/wire-format.md promises about bad input and sequence rules, driven by a libzmq publisher.</summary>
public class LibzmqPublisherStreamRuleTests
{
    private const ulong Session = 0xF00D_0000_0000_0001;

    [SkippableFact]
    public async Task Malformed_messages_from_a_libzmq_publisher_are_counted_and_skipped()
    {
        PythonPeer.SkipIfUnavailable();
        string endpoint = FreePort.TcpEndpoint();
        await using var script = PythonPeer.Start("publish_batches.py", "--bind", endpoint, "--topics", "md.SIM.AAA", "--ticks", "10", "--bad-prefix", "md.BAD.");
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["md."] });

        // The bad messages go first on the same connection, so they have all been judged once the good ones arrive.
        var good = new List<Received<Tick>>();
        await foreach (var r in PeerWait.Read(subscriber.ReadAllAsync<Tick>(), 10, script))
        {
            good.Add(r);
        }

        Assert.Equal(0, await script.WaitForExitAsync(PeerWait.ExitTimeout));
        int badCases = PythonPeer.Event(script, "done").GetProperty("malformed").GetArrayLength();
        Assert.Equal(Enumerable.Range(1, 10).Select(s => ((ulong)s, SampleRecords.Tick(0, s))), good.Select(r => (r.Sequence, r.Record)));
        var stats = subscriber.GetStats();
        Assert.Equal(20, badCases);
        Assert.Equal((badCases, 0L, 10L), (stats.Malformed, stats.HandlerErrors, stats.Records));
    }

    [SkippableFact]
    public async Task Duplicates_overlaps_gaps_and_restarts_from_a_libzmq_publisher_follow_the_documented_rules()
    {
        PythonPeer.SkipIfUnavailable();
        string endpoint = FreePort.TcpEndpoint();
        const int n = 200;
        await using var script = PythonPeer.Start(
            "publish_batches.py", "--bind", endpoint, "--session", Session.ToString(CultureInfo.InvariantCulture),
            "--topics", "md.SIM.AAA,md.SIM.BBB", "--ticks", $"{n}", "--batch", "64", "--sequence-events");
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["md.SIM."] });
        var gaps = new List<GapEventArgs>();
        var restarts = new List<PublisherRestartedEventArgs>();
        subscriber.GapDetected += (_, e) => gaps.Add(e);
        subscriber.PublisherRestarted += (_, e) => restarts.Add(e);

        // AAA: 1..n, a duplicate of 1..64, then n-1..n+2 (two new), then n+6..n+7 after a gap.
        // BBB: 1..n, then 1..2 of a new session.
        long[] aaa = [.. Enumerable.Range(1, n + 2).Select(s => (long)s), n + 6, n + 7];
        long[] bbb = [.. Enumerable.Range(1, n).Select(s => (long)s), 1, 2];
        var received = new List<Received<Tick>>();
        await foreach (var r in PeerWait.Read(subscriber.ReadAllAsync<Tick>(), aaa.Length + bbb.Length, script))
        {
            received.Add(r);
        }

        Assert.Equal(0, await script.WaitForExitAsync(PeerWait.ExitTimeout));

        // A libzmq PUB cannot read the repair request (an older node, section 14): the hole is
        // reported as a gap once the request times out.
        await Eventually.Until(() => subscriber.GetStats().Gaps == 1, 20_000, "the unanswered repair should end in a gap");
        ulong newSession = Session + 1;
        Assert.Equal(aaa.Select(s => (Session, (ulong)s, SampleRecords.Tick(0, s))), received.Where(r => r.Topic == "md.SIM.AAA").Select(r => (r.Session, r.Sequence, r.Record)));
        Assert.Equal(
            bbb.Select((s, i) => (i < n ? Session : newSession, (ulong)s, SampleRecords.Tick(1, s))),
            received.Where(r => r.Topic == "md.SIM.BBB").Select(r => (r.Session, r.Sequence, r.Record)));

        var gap = Assert.Single(gaps);
        Assert.Equal(("md.SIM.AAA", Session, (ulong)n + 3, (ulong)n + 5), (gap.Topic, gap.Session, gap.FirstMissing, gap.LastMissing));
        var restart = Assert.Single(restarts);
        Assert.Equal(("md.SIM.BBB", Session, newSession, 1UL), (restart.Topic, restart.PreviousSession, restart.Session, restart.FirstSequence));
        var stats = subscriber.GetStats();
        Assert.Equal((1L, 3L, 1L, 64L + 2L, 0L), (stats.Gaps, stats.MissingRecords, stats.Restarts, stats.DuplicateRecords, stats.Malformed));
    }
}
