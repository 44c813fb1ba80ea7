using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Telemetry.Hosting.Feed;

/// <summary>Publishes random-walk ticks on <c>md.&lt;exchange&gt;.&lt;symbol&gt;</c> at the configured total rate.</summary>
public sealed class SimulatedFeed(TelemetryPublisher<Tick> publisher, IOptions<FeedOptions> options) : BackgroundService
{
    // Records published between clock reads: pacing costs a clock read per slice, not per record.
    private const int Slice = 64;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        var feed = options.Value;
        var symbols = SymbolUniverse.Take(feed.Symbols);
        var topics = symbols.Select(s => publisher.Topic($"md.{feed.Exchange}.{s}")).ToArray();
        var walk = new RandomWalk(symbols.Length, (ulong)Environment.TickCount64);
        long published = 0;
        var clock = Stopwatch.StartNew();
        while (!stoppingToken.IsCancellationRequested)
        {
            int count = Slice;
            if (feed.Rate > 0)
            {
                long due = (long)(clock.Elapsed.TotalSeconds * feed.Rate);
                if (published >= due)
                {
                    Thread.Sleep(1);
                    continue;
                }

                count = (int)Math.Min(Slice, due - published);
            }

            long nowNs = UnixNowNs();
            for (int i = 0; i < count; i++)
            {
                int symbol = walk.NextSymbol(symbols.Length);
                publisher.Publish(topics[symbol], walk.NextTick(symbol, nowNs));
            }

            published += count;
        }
    }

    private static long UnixNowNs() => UnixClock.ToUnixNs(DateTimeOffset.UtcNow);
}
