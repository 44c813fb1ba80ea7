using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telemetry.Internal;

namespace Telemetry.Dashboard.Demo;

/// <summary>A few made-up applications logging on <c>log.&lt;application&gt;.&lt;Level&gt;</c>, so the log tail has something to show.</summary>
internal sealed class DemoLogs(DemoTopology demo) : BackgroundService
{
    private static readonly string[] Applications = ["orders-api", "pricing-engine", "risk-service"];
    private static readonly string[] Symbols = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var random = new Random(42);
        long order = 100_000;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                string app = Applications[random.Next(Applications.Length)];
                var level = PickLevel(random.Next(100));
                string symbol = Symbols[random.Next(Symbols.Length)];
                var record = new LogRecord(UnixClock.NowNs(), level, $"Demo.{app}", Message(app, level, symbol, ++order, random), level >= LogLevel.Error ? "System.TimeoutException: upstream did not answer within 2000 ms" : null);
                demo.Logs.Publish($"log.{app}.{level}", record);
                await Task.Delay(150 + random.Next(350), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static LogLevel PickLevel(int roll) => roll switch
    {
        < 15 => LogLevel.Debug,
        < 80 => LogLevel.Information,
        < 94 => LogLevel.Warning,
        < 99 => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    private static string Message(string app, LogLevel level, string symbol, long order, Random random) => (app, level) switch
    {
        ("orders-api", LogLevel.Information) => $"Order {order} filled: {random.Next(1, 50) * 100} {symbol}",
        ("orders-api", LogLevel.Warning) => $"Order {order} for {symbol} rejected: price outside the band",
        ("pricing-engine", LogLevel.Information) => $"Repriced {symbol} curve in {random.Next(2, 40)} ms",
        ("pricing-engine", LogLevel.Warning) => $"Stale quote for {symbol}: {random.Next(600, 3000)} ms old",
        ("risk-service", LogLevel.Information) => $"Exposure check passed for book {random.Next(1, 9)}",
        ("risk-service", LogLevel.Warning) => $"Book {random.Next(1, 9)} at {random.Next(80, 99)}% of its {symbol} limit",
        (_, LogLevel.Debug) => $"Cache hit ratio {random.Next(90, 100)}% for {symbol}",
        (_, >= LogLevel.Error) => $"Request {order} failed after 3 retries",
        _ => $"Heartbeat {order}",
    };
}
