using Telemetry.Hosting;
using Telemetry.Hosting.Feed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telemetry;
using Telemetry.Publisher;

Telemetry.Hosting.PrometheusDefaults.Apply();
var flags = CommandLine.Parse(args, out var error);
if (flags is null)
{
    Console.Error.WriteLine(error is { Length: > 0 } ? error + Environment.NewLine + CommandLine.Usage : CommandLine.Usage);
    return error is { Length: > 0 } ? 2 : 0;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddInMemoryCollection(flags);
if (!builder.Configuration.GetSection("Telemetry:Publisher:Bind").GetChildren().Any()
    && !builder.Configuration.GetSection("Telemetry:Publisher:Connect").GetChildren().Any())
{
    builder.Configuration.AddInMemoryCollection([new("Telemetry:Publisher:Bind:0", "tcp://127.0.0.1:5556")]);
}

builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
builder.Services.AddTelemetryPublisher<Tick>();
builder.Services.AddOptions<FeedOptions>().BindConfiguration("Feed")
    .Validate(o => o.Validate().Count == 0, "Invalid Feed settings: check Feed:Symbols, Feed:Rate and Feed:Exchange.")
    .ValidateOnStart();
builder.Services.AddOptions<MetricsOptions>().BindConfiguration("Metrics");
builder.Services.AddHostedService<PublisherMetrics>();
builder.Services.AddHostedService<SimulatedFeed>();

return await Telemetry.Hosting.HostRunner.RunAsync(builder.Build(), "Publisher host");
