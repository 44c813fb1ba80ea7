using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Dashboard;

/// <summary>The dashboard process without a browser: attaching to a real feed, /metrics, bad flags.</summary>
public sealed class DashboardProcessTests
{
    [Fact]
    public async Task With_connect_it_attaches_to_a_real_publisher_and_counts_what_it_receives()
    {
        int port = FreePort.Next();
        await using var publisher = ChildProcess.StartDotnet(
            RepoPaths.Program("publisher", "Telemetry.Publisher"),
            "--bind", $"tcp://127.0.0.1:{port}", "--symbols", "5", "--rate", "500", "--metrics-port", "0");
        await using var dashboard = await DashboardProcess.StartAsync("--connect", $"tcp://127.0.0.1:{port}");

        // Started is not yet subscribed: wait until all five symbols have been seen.
        await Eventually.Until(() => DashboardProcess.Metric(dashboard.MetricsAsync().GetAwaiter().GetResult(), "telemetry_dashboard_topics") == 5, because: "the dashboard should see every symbol of the feed");
        string metrics = await dashboard.MetricsAsync();
        Assert.True(DashboardProcess.Metric(metrics, "telemetry_dashboard_records_total{kind=\"tick\"}") > 0);
        Assert.Equal(5, DashboardProcess.Metric(metrics, "telemetry_dashboard_topics"));
        Assert.Equal(0, DashboardProcess.Metric(metrics, "telemetry_dashboard_malformed_total"));
    }

    [Fact]
    public async Task Metrics_are_served_with_the_dashboard_prefix()
    {
        await using var dashboard = await DashboardProcess.StartAsync("--symbols", "10", "--rate", "1000");
        await Eventually.Until(() => DashboardProcess.Metric(dashboard.MetricsAsync().GetAwaiter().GetResult(), "telemetry_dashboard_pushes_total{message=\"ticks\"}") > 0, because: "the push loop runs even with no page open");

        // The demo's log and metric publishers start beside the feed: wait until their topics are seen too.
        await Eventually.Until(() => DashboardProcess.Metric(dashboard.MetricsAsync().GetAwaiter().GetResult(), "telemetry_dashboard_topics") > 10, because: "the demo's log and metric topics should arrive");

        string metrics = await dashboard.MetricsAsync();
        foreach (var name in new[]
        {
            "telemetry_dashboard_records_total", "telemetry_dashboard_batches_total", "telemetry_dashboard_gaps_total",
            "telemetry_dashboard_missing_records_total", "telemetry_dashboard_malformed_total", "telemetry_dashboard_pushes_total",
            "telemetry_dashboard_topic_updates_total", "telemetry_dashboard_topics", "telemetry_dashboard_clients",
            "telemetry_dashboard_latency_seconds",
        })
        {
            Assert.Contains($"# TYPE {name} ", metrics, StringComparison.Ordinal);
        }

        // Ten symbols plus the demo's log and metric topics.
        Assert.True(DashboardProcess.Metric(metrics, "telemetry_dashboard_topics") > 10);
        Assert.True(DashboardProcess.Metric(metrics, "telemetry_dashboard_topic_updates_total") > 0);
    }

    [Fact]
    public async Task An_unknown_flag_exits_with_usage_and_code_2()
    {
        await using var dashboard = ChildProcess.StartDotnet(RepoPaths.Program("dashboard", "Telemetry.Dashboard"), "--bogus", "1");
        Assert.Equal(2, await dashboard.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(dashboard.StderrLines, l => l.Contains("Unknown option --bogus", StringComparison.Ordinal));
        Assert.Contains(dashboard.StderrLines, l => l.Contains("--connect EP", StringComparison.Ordinal));
    }
}
