using Microsoft.AspNetCore.SignalR;
using Telemetry.Dashboard.Feed;
using Telemetry.Internal;

namespace Telemetry.Dashboard.Push;

/// <summary>
/// The page's SignalR endpoint. Pages only listen: on connect each gets a <see cref="Hello"/> with the
/// current board, chart history, recent logs and status, then the push loop's broadcasts.
/// </summary>
internal sealed class DashboardHub(
    TopicBoard board,
    LogTail logs,
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
        var hello = new Hello(
            source.Mode,
            [.. source.Endpoints],
            options.PushIntervalMs,
            [.. ticks.Select(t => Views.TakeTick(t, now, peek: true)).OfType<TickUpdate>()],
            [.. ticks.Select(Views.Chart)],
            [.. logs.After(0, LogsOnConnect).Select(Views.Log)],
            [],
            system.Last);
        await Clients.Caller.SendAsync("hello", hello).ConfigureAwait(false);
        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Interlocked.Decrement(ref counters.Clients);
        return base.OnDisconnectedAsync(exception);
    }
}
