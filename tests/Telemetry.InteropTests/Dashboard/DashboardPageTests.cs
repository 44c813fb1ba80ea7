using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Telemetry.Tests.Dashboard;

/// <summary>The page in a real browser against the dashboard's demo topology: what a newcomer sees.</summary>
public sealed class DashboardPageTests(DemoDashboardFixture fixture, ITestOutputHelper output) : IClassFixture<DemoDashboardFixture>
{
    private static readonly string Artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");

    [SkippableFact]
    public async Task The_board_loads_with_every_symbol_and_prices_change_without_console_errors()
    {
        var errors = new List<string>();
        var page = await OpenAsync(errors);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#board .card').length >= 50", null, new() { Timeout = 15_000 });
        string before = await page.InnerTextAsync(".card[data-symbol=AAPL] .price");

        await page.WaitForFunctionAsync(
            "p => document.querySelector('.card[data-symbol=AAPL] .price').textContent !== p",
            before,
            new() { Timeout = 10_000 });

        // Let the sparklines fill a little before the picture is taken.
        await page.WaitForTimeoutAsync(3000);
        Directory.CreateDirectory(Artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "dashboard.png") });
        Assert.Equal("demo", await page.TextContentAsync("#mode"));
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [SkippableFact]
    public async Task The_symbol_filter_shows_only_matching_symbols()
    {
        var errors = new List<string>();
        var page = await OpenAsync(errors);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#board .card').length >= 50", null, new() { Timeout = 15_000 });

        await page.FillAsync("#symbol-filter", "aapl");
        Assert.Equal(["AAPL"], await VisibleSymbolsAsync(page));

        await page.FillAsync("#symbol-filter", "MS, NV");
        Assert.Equal(["MSFT", "NVDA"], await VisibleSymbolsAsync(page));

        await page.FillAsync("#symbol-filter", string.Empty);
        Assert.Equal(50, (await VisibleSymbolsAsync(page)).Count);
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [SkippableFact]
    public async Task A_topic_gets_at_most_one_update_per_push_however_many_ticks_arrive_in_between()
    {
        const int Pushes = 30;
        var errors = new List<string>();
        var page = await OpenAsync(errors);
        await page.WaitForFunctionAsync("() => window.dashboardStats.messages.ticks > 10", null, new() { Timeout = 15_000 });
        var metrics = fixture.Dashboard;
        double ticksBefore = DashboardProcess.Metric(await metrics.MetricsAsync(), "telemetry_dashboard_records_total{kind=\"tick\"}");
        var first = await CountsAsync(page);

        // A window of pushes, not of time: what is asserted below is counted, never timed.
        await page.WaitForFunctionAsync("n => window.dashboardStats.messages.ticks >= n", first.Pushes + Pushes, new() { Timeout = 60_000 });

        var second = await CountsAsync(page);
        double ticksAfter = DashboardProcess.Metric(await metrics.MetricsAsync(), "telemetry_dashboard_records_total{kind=\"tick\"}");
        long pushes = second.Pushes - first.Pushes;
        double ticksPerTopic = (ticksAfter - ticksBefore) / 50;
        var perTopic = second.Updates.ToDictionary(p => p.Key, p => p.Value - first.Updates.GetValueOrDefault(p.Key));
        output.WriteLine(
            $"{pushes} pushes in {(second.Now - first.Now) / 1000:N1} s; {ticksPerTopic:N0} ticks per topic reached the dashboard, " +
            $"the busiest topic got {perTopic.Values.Max()} updates");

        // The feed outran the page (many ticks per topic per push), so the conflation had work to do;
        // each topic still got at most one update per push (the server pushes every 100 ms).
        Assert.True(ticksPerTopic > 2 * pushes, $"feed too slow to test conflation: {ticksPerTopic:N0} ticks per topic in {pushes} pushes");
        Assert.Equal(50, perTopic.Count);
        Assert.All(perTopic, p => Assert.InRange(p.Value, 1, pushes));
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [SkippableFact]
    public async Task The_log_tail_filters_by_application_and_level()
    {
        var errors = new List<string>();
        var page = await OpenAsync(errors, "#logs");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#log-app option')].some(o => o.value === 'orders-api')", null, new() { Timeout = 15_000 });

        await page.SelectOptionAsync("#log-app", "orders-api");
        await page.SelectOptionAsync("#log-level", "2");
        var rows = await page.EvalOnSelectorAllAsync<string[][]>("#logs-table tbody tr", "rows => rows.map(r => [r.dataset.app, r.dataset.level])");
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("orders-api", r[0]));
        Assert.All(rows, r => Assert.Contains(r[1], new[] { "Information", "Warning", "Error", "Critical" }));

        await page.SelectOptionAsync("#log-level", "3");
        rows = await page.EvalOnSelectorAllAsync<string[][]>("#logs-table tbody tr", "rows => rows.map(r => [r.dataset.app, r.dataset.level])");
        Assert.All(rows, r => Assert.Contains(r[1], new[] { "Warning", "Error", "Critical" }));
        await Screenshot(page, "dashboard-logs.png");
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [SkippableFact]
    public async Task The_topic_monitor_and_system_view_show_rates_and_health()
    {
        var errors = new List<string>();
        var page = await OpenAsync(errors, "#topics");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#topics-table tbody tr').length >= 50", null, new() { Timeout = 15_000 });
        Assert.Contains("md.SIM.AAPL", await page.InnerTextAsync("#topics-table tbody"));
        await Screenshot(page, "dashboard-topics.png");

        await page.ClickAsync("a[data-view=system]");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#components-table tbody tr').length >= 5", null, new() { Timeout = 15_000 });
        string components = await page.InnerTextAsync("#components-table tbody");
        foreach (var expected in new[] { "sim-feed", "demo-apps", "sysmon", "relay-1", "dashboard" })
        {
            Assert.Contains(expected, components, StringComparison.Ordinal);
        }

        await page.WaitForFunctionAsync("() => document.querySelector('#metrics-table tbody').textContent.includes('records_forwarded_total')", null, new() { Timeout = 15_000 });
        await Screenshot(page, "dashboard-system.png");
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    private static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(Artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, name), FullPage = false });
    }

    private static async Task<List<string>> VisibleSymbolsAsync(IPage page) =>
        [.. await page.EvalOnSelectorAllAsync<string[]>("#board .card", "cards => cards.filter(c => !c.hidden).map(c => c.dataset.symbol).sort()")];

    private static async Task<(double Now, long Pushes, Dictionary<string, long> Updates)> CountsAsync(IPage page)
    {
        string text = await page.EvaluateAsync<string>("() => JSON.stringify({ now: performance.now(), pushes: window.dashboardStats.messages.ticks, updates: window.dashboardStats.updates })");
        using var document = JsonDocument.Parse(text);
        var json = document.RootElement;
        var updates = json.GetProperty("updates").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        return (json.GetProperty("now").GetDouble(), json.GetProperty("pushes").GetInt64(), updates);
    }

    private async Task<IPage> OpenAsync(List<string> errors, string view = "")
    {
        Skip.If(fixture.Browser is null, BrowserSession.WhyUnavailable);
        var page = await fixture.Browser!.NewPageAsync(errors);
        await page.GotoAsync(fixture.Dashboard.Url + view);
        await page.WaitForFunctionAsync("() => window.dashboardStats && window.dashboardStats.hello", null, new() { Timeout = 15_000 });
        return page;
    }
}
