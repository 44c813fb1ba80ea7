using System.Globalization;
using Microsoft.Extensions.Logging;
using Telemetry.Dashboard.Feed;
using Telemetry.Dashboard.Push;
using Telemetry.Relay;

namespace Telemetry.Dashboard.Demo;

/// <summary>
/// The embedded default: a market-data feed that binds, a relay in collector mode, and two
/// application publishers (logs, metrics) that connect to the collector, all on loopback TCP with
/// ports picked by the system, so a newcomer sees live data with no setup. The dashboard subscribes
/// to the relay, like any subscriber of a real deployment would.
/// </summary>
internal sealed class DemoTopology : IFeedSource, ISystemSource, IDisposable
{
    private const string Loopback = "tcp://127.0.0.1:*";
    private const int DemoHighWatermark = 50_000;
    private readonly TelemetryRelay _relay;
    private long _relayRecordsAtLastRate;
    private int _disposed;

    public DemoTopology(ILoggerFactory loggers)
    {
        // Snapshot services on inproc: deriving them from a system-picked port (port + 1) could collide.
        string id = Guid.NewGuid().ToString("N")[..8];
        string feedSnapshot = $"inproc://demo-feed-{id}.snapshot";
        // Room for the first seconds (JIT warm-up, a busy machine) on both hops, so a newcomer's first look is not a screen of start-up gaps.
        Ticks = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "sim-feed", Bind = [Loopback], SnapshotBind = [feedSnapshot], SendHighWatermark = DemoHighWatermark }, loggers.CreateLogger("Demo.Feed"));
        _relay = new TelemetryRelay(
            new RelayOptions
            {
                Name = "relay-1",
                Upstream = [Ticks.BoundEndpoints[0]],

                // Collector mode: the applications' log and metric publishers connect to the relay,
                // as an application does in a deployment, rather than binding ports of their own.
                Collect = [Loopback],
                Bind = [Loopback],
                SendHighWatermark = DemoHighWatermark,
                SnapshotBind = [$"inproc://demo-relay-{id}.snapshot"],
                UpstreamSnapshot = [feedSnapshot],
            },
            loggers.CreateLogger("Demo.Relay"));
        _relay.Start();
        Logs = new TelemetryPublisher<LogRecord>(new PublisherOptions { Name = "demo-apps", Connect = [_relay.CollectEndpoints[0]] }, loggers.CreateLogger("Demo.Logs"));
        Metrics = new TelemetryPublisher<MetricSample>(new PublisherOptions { Name = "sysmon", Connect = [_relay.CollectEndpoints[0]] }, loggers.CreateLogger("Demo.Metrics"));
        Endpoints = [_relay.BoundEndpoints[0]];
        Log.DemoStarted(loggers.CreateLogger<DemoTopology>(), Ticks.BoundEndpoints[0], _relay.CollectEndpoints[0], Endpoints[0]);
    }

    public TelemetryPublisher<Tick> Ticks { get; }

    public TelemetryPublisher<LogRecord> Logs { get; }

    public TelemetryPublisher<MetricSample> Metrics { get; }

    /// <summary>What crossed the relay.</summary>
    public RelayStats RelayStats => _relay.GetStats();

    public string Mode => "demo";

    public IReadOnlyList<string> Endpoints { get; }

    // The dashboard starts with the feed: there is nothing to catch up on.
    public bool Snapshot => false;

    public IEnumerable<ComponentRow> Describe(double elapsedSeconds)
    {
        var c = _relay.GetStats();
        long records = c.DownRecords;
        double rate = elapsedSeconds > 0 ? (records - _relayRecordsAtLastRate) / elapsedSeconds : 0;
        _relayRecordsAtLastRate = records;
        long upstream = c.UpstreamConnects - c.UpstreamDisconnects;
        int downstream = c.DownstreamConnections;
        // Not judged on the downstream count: the relay's monitor starts after its bind and can miss
        // the dashboard's own connection, so that figure is shown but not trusted.
        string health = upstream >= 3 && c.MalformedTotal == 0 ? "ok" : upstream > 0 ? "warn" : "down";
        yield return new ComponentRow(
            "relay",
            "relay-1",
            $"{string.Join(", ", _relay.BoundEndpoints)} (in-process)",
            Math.Round(rate, 1),
            health,
            string.Create(CultureInfo.InvariantCulture, $"{upstream}/3 upstreams, {downstream} downstream, {c.HeldSubscriptions} subscriptions, {c.MalformedTotal} malformed, {c.CachedTopics} cached topics"));
        yield return Describe(Ticks.Name, Ticks.BoundEndpoints, Ticks.GetStats());
        yield return Describe(Logs.Name, [$"-> {_relay.CollectEndpoints[0]}"], Logs.GetStats());
        yield return Describe(Metrics.Name, [$"-> {_relay.CollectEndpoints[0]}"], Metrics.GetStats());
    }

    /// <summary>Closes the publishers and the relay; called by <see cref="DemoLifetime"/> and again by the container, which is harmless.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The relay first: closed after the publishers, it would log each of their goodbyes as an
        // upstream lost ("disconnected; reconnecting"), which is no news while the whole demo stops.
        _relay.Dispose();
        Ticks.Dispose();
        Logs.Dispose();
        Metrics.Dispose();
    }

    private static ComponentRow Describe(string name, IReadOnlyList<string> endpoints, PublisherStats stats) => new(
        "publisher",
        name,
        $"{string.Join(", ", endpoints)} (in-process)",
        0,
        stats.DroppedQueueFull > 0 ? "warn" : stats.Connections > 0 ? "ok" : "warn",
        string.Create(CultureInfo.InvariantCulture, $"queue {stats.QueueDepth}, {stats.DroppedQueueFull} dropped, {stats.Connections} subscribers"));
}
