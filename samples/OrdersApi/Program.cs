// An order service in miniature: it takes simulated orders, measures them with
// System.Diagnostics.Metrics, logs with ILogger, and exports both through OpenTelemetry to a
// Telemetry collector. Run: dotnet run --project samples/OrdersApi -- --connect tcp://127.0.0.1:5570
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Telemetry.OpenTelemetry;

var builder = Host.CreateApplicationBuilder(args);
string[] connect = builder.Configuration.GetSection("Connect").Get<string[]>()
    ?? [builder.Configuration["connect"] ?? "tcp://127.0.0.1:5570"];
string application = builder.Configuration["application"] ?? "orders-api";

void Telemetry(TelemetryExporterOptions o)
{
    o.Application = application;
    o.Connect = connect;
}

builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics.AddMeter(OrderDesk.MeterName).AddTelemetryExporter(Telemetry))
    .WithLogging(logging => logging.AddTelemetryExporter(Telemetry))
    // Tracing on, so each order runs in an activity and its logs carry trace and span ids.
    .WithTracing(tracing => tracing.AddSource(OrderDesk.MeterName));
builder.Services.AddHostedService<OrderDesk>();

var host = builder.Build();
host.Services.GetRequiredService<ILogger<OrderDesk>>().LogInformation("Exporting as {Application} to {Connect}", application, string.Join(", ", connect));
await host.RunAsync();

/// <summary>Takes a simulated order every few milliseconds and measures each.</summary>
internal sealed partial class OrderDesk(ILogger<OrderDesk> logger) : BackgroundService
{
    public const string MeterName = "Orders";

    private static readonly ActivitySource Activities = new(MeterName);
    private static readonly string[] Symbols = ["AAPL", "MSFT", "NVDA", "AMZN"];

    private readonly Meter _meter = new(MeterName);
    private int _open;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var placed = _meter.CreateCounter<long>("orders.placed", "{order}", "Orders accepted");
        var rejected = _meter.CreateCounter<long>("orders.rejected", "{order}", "Orders refused by the risk check");
        var open = _meter.CreateUpDownCounter<int>("orders.open", "{order}", "Orders accepted and not yet filled");
        var latency = _meter.CreateHistogram<double>("orders.latency", "ms", "From order to acknowledgement");
        _meter.CreateObservableGauge("process.working_set", () => Environment.WorkingSet, "By", "Memory in use");

        var random = new Random(7);
        long n = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                using var activity = Activities.StartActivity("PlaceOrder");
                string symbol = Symbols[random.Next(Symbols.Length)];
                var tags = new TagList { { "symbol", symbol }, { "side", random.Next(2) == 0 ? "buy" : "sell" } };
                double ms = Math.Round(0.2 + (random.NextDouble() * random.NextDouble() * 40), 3);
                if (random.Next(50) == 0)
                {
                    rejected.Add(1, tags);
                    LogRejected(symbol);
                    continue;
                }

                placed.Add(1, tags);
                latency.Record(ms, tags);
                open.Add(1);
                if (++_open == 20)
                {
                    open.Add(-_open); // the batch of open orders is filled
                    _open = 0;
                }

                if (++n % 200 == 0)
                {
                    LogProgress(n, symbol);
                }

                if (ms > 30)
                {
                    LogSlow(symbol, ms);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} orders placed, the last for {Symbol}")]
    private partial void LogProgress(long count, string symbol);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order for {Symbol} took {Ms} ms")]
    private partial void LogSlow(string symbol, double ms);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order for {Symbol} rejected by the risk check")]
    private partial void LogRejected(string symbol);
}
