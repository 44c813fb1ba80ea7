using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telemetry.Dashboard.Metrics;
using Telemetry.Internal;

namespace Telemetry.Dashboard.Feed;

/// <summary>
/// The dashboard's one subscriber. Its receive thread folds every batch into the per-topic state
/// (last tick, change, counts, latency from sent_ns) with one lock and no allocation per tick;
/// the push loop decides what reaches the pages and how often.
/// </summary>
internal sealed class FeedSubscriber(
    IFeedSource source,
    DashboardOptions options,
    TopicBoard board,
    LogTail logs,
    MetricTable metrics,
    DashboardCounters counters,
    ILogger<FeedSubscriber> logger) : IHostedService, IDisposable
{
    private TelemetrySubscriber? _subscriber;

    /// <summary>The subscriber's own counters, for the system view and /metrics.</summary>
    public SubscriberStats Stats => _subscriber?.GetStats() ?? default;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriber = new TelemetrySubscriber(
            new SubscriberOptions
            {
                Connect = source.Endpoints,
                Prefixes = options.EffectivePrefixes,
                Snapshot = source.Snapshot,
                CurveServerKey = options.Demo ? null : options.CurveServerKey,
                EntitlementToken = options.Demo ? null : options.EntitlementToken,
                // The demo's feed runs in-process on loopback: nothing to fall behind on.
                Conflation = options.Demo ? Conflation.Off : options.Conflation,
            },
            logger);
        _subscriber.GapDetected += OnGap;
        _subscriber.PublisherRestarted += (_, e) =>
        {
            var publisher = board.Publisher(e.Publisher);
            lock (publisher.Sync)
            {
                publisher.Restarts++;
            }

            counters.Restarts++;
        };
        _subscriber.Start(OnBatch);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _subscriber?.Dispose();
    }

    private void OnBatch(in RecordBatch batch)
    {
        var header = batch.Header;
        long now = UnixClock.NowNs();
        long latency = Math.Max(0, now - header.SentUnixNs);
        var topic = board.Topic(header.Topic, header.Kind);
        if (header.Repaired || header.Resync || header.Conflated > 0)
        {
            topic.OnRecovered(header.Repaired ? header.Count : 0, header.Resync, header.Conflated);
        }

        board.Publisher(header.Publisher).OnBatch(header.Topic, header.Session, header.Count, now);
        counters.OnBatch(header.Kind, header.Count, now);
        DashboardMetrics.ObserveLatency(latency);
        switch (header.Kind)
        {
            case "tick":
                OnTicks(batch, topic, now, latency);
                break;
            case "log":
                foreach (var record in batch.Records<LogRecord>())
                {
                    logs.Add(header.Topic, header.Publisher, record);
                }

                topic.OnRecords(header.Publisher, header.Count, now, latency);
                break;
            case "metric":
                foreach (var sample in batch.Records<MetricSample>())
                {
                    metrics.Set(header.Topic, sample, now);
                }

                topic.OnRecords(header.Publisher, header.Count, now, latency);
                break;
            default:
                topic.OnRecords(header.Publisher, header.Count, now, latency);
                break;
        }
    }

    private static void OnTicks(in RecordBatch batch, TopicState topic, long now, long latency)
    {
        // Only the batch's first and last tick and its range matter to the page: fold them in locals
        // and take the topic's lock once.
        Tick first = default;
        Tick last = default;
        long high = long.MinValue;
        long low = long.MaxValue;
        int count = 0;
        foreach (var tick in batch.Records<Tick>())
        {
            if (count++ == 0)
            {
                first = tick;
            }

            last = tick;
            high = Math.Max(high, tick.Price);
            low = Math.Min(low, tick.Price);
        }

        if (count > 0)
        {
            topic.OnTicks(batch.Header.Publisher, count, first, last, high, low, now, latency);
        }
    }

    private void OnGap(object? sender, GapEventArgs e)
    {
        board.Find(e.Topic)?.OnGap(e.Count);
        var publisher = board.Publisher(e.Publisher);
        lock (publisher.Sync)
        {
            publisher.Gaps++;
            publisher.LastGapNs = UnixClock.NowNs();
        }

        counters.Gaps++;
        counters.LastGapNs = UnixClock.NowNs();
        counters.MissingRecords += (long)e.Count;
    }
}
