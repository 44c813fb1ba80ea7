using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telemetry.Dashboard.Feed;
using Telemetry.Internal;

namespace Telemetry.Dashboard.Push;

/// <summary>
/// The conflation: every push interval (100 ms by default) the topics that changed since the last
/// push go to the pages, one update each, however many ticks arrived in between; so a page gets at
/// most about 10 updates per second per topic whatever the feed rate. Logs go as they are (never
/// conflated); the topic monitor, the system view and new metric points once a second.
/// </summary>
internal sealed class PushLoop(
    TopicBoard board,
    LogTail logs,
    MetricTable metrics,
    SystemViewBuilder system,
    DashboardCounters counters,
    DashboardOptions options,
    IHubContext<DashboardHub> hub,
    ILogger<PushLoop> logger) : BackgroundService
{
    private readonly List<TickUpdate> _updates = [];
    private readonly List<MetricSeriesView> _metricUpdates = [];
    private long _lastLogId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.PushIntervalMs));
        var window = Stopwatch.StartNew();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    long now = UnixClock.NowNs();
                    await PushTicks(now, stoppingToken).ConfigureAwait(false);
                    await PushLogs(stoppingToken).ConfigureAwait(false);
                    if (window.Elapsed >= TimeSpan.FromSeconds(1))
                    {
                        double elapsed = window.Elapsed.TotalSeconds;
                        window.Restart();
                        await PushStatus(elapsed, now, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.PushFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PushTicks(long now, CancellationToken cancellationToken)
    {
        _updates.Clear();
        foreach (var topic in board.Topics)
        {
            if (Views.TakeTick(topic, now) is { } update)
            {
                _updates.Add(update);
            }
        }

        if (_updates.Count > 0)
        {
            await hub.Clients.All.SendAsync("ticks", _updates.ToArray(), cancellationToken).ConfigureAwait(false);
            counters.TickPushes++;
            counters.TopicUpdatesPushed += _updates.Count;
        }
    }

    private async Task PushLogs(CancellationToken cancellationToken)
    {
        var entries = logs.After(_lastLogId);
        if (entries.Count > 0)
        {
            _lastLogId = entries[^1].Id;
            await hub.Clients.All.SendAsync("logs", entries.Select(Views.Log).ToArray(), cancellationToken).ConfigureAwait(false);
            counters.LogPushes++;
        }
    }

    private async Task PushStatus(double elapsed, long now, CancellationToken cancellationToken)
    {
        var rows = board.Topics.Select(t => Views.CloseWindow(t, elapsed, now)).OrderBy(r => r.Topic, StringComparer.Ordinal).ToArray();
        await hub.Clients.All.SendAsync("topics", rows, cancellationToken).ConfigureAwait(false);
        counters.TopicPushes++;
        await hub.Clients.All.SendAsync("system", system.Build(elapsed, now), cancellationToken).ConfigureAwait(false);
        counters.SystemPushes++;

        // Metrics arrive about once a second per series (OpenTelemetry's export interval): their new points go at the same pace.
        _metricUpdates.Clear();
        metrics.TakeChanged(series => _metricUpdates.Add(Views.Metric(series, history: false)));
        if (_metricUpdates.Count > 0)
        {
            await hub.Clients.All.SendAsync("metrics", _metricUpdates.ToArray(), cancellationToken).ConfigureAwait(false);
            counters.MetricPushes++;
        }
    }
}
