using Microsoft.AspNetCore.SignalR;
using Telemetry.Dashboard.Feed;
using Telemetry.Internal;

namespace Telemetry.Dashboard.Push;

/// <summary>
/// The page's SignalR endpoint. On connect each page gets a <see cref="Hello"/> with the current
/// board (latest values only), metric charts, recent logs and status, then the push loop's
/// broadcasts; a symbol's chart history comes when the page asks for it (<see cref="Chart"/>).
/// </summary>
internal sealed class DashboardHub(
    TopicBoard board,
    LogTail logs,
    MetricTable metrics,
    SystemViewBuilder system,
    IFeedSource source,
    DashboardOptions options,
    DashboardCounters counters) : Hub
{
    private const int LogsOnConnect = 200;

    public override async Task OnConnectedAsync()
    {
        Interlocked.Increment(ref counters.Clients);
        long now = UnixClock.NowNs();
        var ticks = board.Topics.Where(t => t.Kind == "tick").OrderBy(t => t.Symbol, StringComparer.Ordinal).ToList();
        var charted = new List<MetricSeriesView>();
        metrics.ReadCharted(series => charted.Add(Views.Metric(series, history: true)));
        var hello = new Hello(
            source.Mode,
            [.. source.Endpoints],
            options.PushIntervalMs,
            [.. ticks.Select(t => Views.TakeTick(t, now, peek: true)).OfType<TickUpdate>()],
            [.. logs.After(0, LogsOnConnect).Select(Views.Log)],
            [],
            system.Last,
            [.. charted]);
        await Clients.Caller.SendAsync("hello", hello).ConfigureAwait(false);
        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    /// <summary>A symbol's recent chart points, for the detail view (the hello carries none: at a thousand symbols they made pages slow to open).</summary>
    public ChartSeries? Chart(string topic) => board.Find(topic) is { Kind: "tick" } state ? Views.Chart(state) : null;

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Interlocked.Decrement(ref counters.Clients);
        return base.OnDisconnectedAsync(exception);
    }
}
