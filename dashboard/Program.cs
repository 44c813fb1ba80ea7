using Telemetry.Hosting.Feed;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Telemetry.Dashboard.Demo;
using Telemetry.Dashboard.Feed;
using Telemetry.Dashboard.Metrics;
using Telemetry.Dashboard.Push;

namespace Telemetry.Dashboard;

/// <summary>
/// The live dashboard: one SDK subscriber, per-topic state, a conflating push loop to the pages
/// over SignalR (MessagePack), Prometheus <c>/metrics</c>. With no <c>--connect</c> it runs the demo topology.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Telemetry.Hosting.PrometheusDefaults.Apply();
        var flags = CommandLine.Parse(args, out var error);
        if (flags is null)
        {
            await Console.Error.WriteLineAsync(error is { Length: > 0 } ? error + Environment.NewLine + CommandLine.Usage : CommandLine.Usage).ConfigureAwait(false);
            return error is { Length: > 0 } ? Hosting.HostRunner.InvalidConfiguration : 0;
        }

        // Content and web roots next to the binary: the page is the same under `dotnet run` and in tests.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Configuration.AddInMemoryCollection(flags);
        var options = builder.Configuration.GetSection("Dashboard").Get<DashboardOptions>() ?? new DashboardOptions();
        var feed = builder.Configuration.GetSection("Feed").Get<FeedOptions>() ?? new FeedOptions();
        var problems = options.Validate().Concat(options.Demo ? feed.Validate() : []).ToList();
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync("Invalid configuration: " + string.Join(" ", problems)).ConfigureAwait(false);
            return Hosting.HostRunner.InvalidConfiguration;
        }

        string url = $"http://{options.Host}:{options.Port}";
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        AddServices(builder.Services, options);

        // Disposed on every way out: the container then closes whatever the host's shutdown did not.
        await using var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapHub<DashboardHub>("/hub");
        app.MapMetrics("/metrics");

        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"Cannot listen on {url}: {ex.Message}").ConfigureAwait(false);
            return Hosting.HostRunner.SocketError;
        }
        catch (NetMQ.NetMQException ex)
        {
            await Console.Error.WriteLineAsync("Socket error: " + ex.Message).ConfigureAwait(false);
            return Hosting.HostRunner.SocketError;
        }

        var source = app.Services.GetRequiredService<IFeedSource>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Telemetry.Dashboard");
        Log.DashboardStarted(logger, url, source.Mode, string.Join(", ", source.Endpoints), string.Join(" ", options.EffectivePrefixes));

        // Our own lines: the framework's are hidden (Microsoft.Hosting logs at Warning in appsettings.json).
        // Stopped is raised once every hosted service has stopped, the demo topology last.
        using var stopping = app.Lifetime.ApplicationStopping.Register(() => Log.DashboardStopping(logger));
        using var stopped = app.Lifetime.ApplicationStopped.Register(() => Log.DashboardStopped(logger));
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    private static void AddServices(IServiceCollection services, DashboardOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<TopicBoard>();
        services.AddSingleton(new LogTail(options.LogCapacity));
        services.AddSingleton<MetricTable>();
        services.AddSingleton<DashboardCounters>();
        services.AddSingleton<SystemViewBuilder>();
        services.AddSignalR().AddMessagePackProtocol();
        if (options.Demo)
        {
            // The demo starts first and stops last: hosted services stop in reverse order.
            services.AddSingleton<DemoTopology>();
            services.AddHostedService<DemoLifetime>();
            services.AddSingleton<IFeedSource>(sp => sp.GetRequiredService<DemoTopology>());
            services.AddSingleton<ISystemSource>(sp => sp.GetRequiredService<DemoTopology>());
            services.AddSingleton(sp => sp.GetRequiredService<DemoTopology>().Ticks);
            services.AddOptions<FeedOptions>().BindConfiguration("Feed");
            services.AddHostedService<SimulatedFeed>();
            services.AddHostedService<DemoLogs>();
            services.AddHostedService<DemoMetrics>();
        }
        else
        {
            services.AddSingleton<IFeedSource>(new ConnectedFeed(options.Connect));
        }

        services.AddSingleton<FeedSubscriber>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedSubscriber>());
        services.AddHostedService<DashboardMetrics>();
        services.AddHostedService<PushLoop>();
    }
}
