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
        await page.WaitForFunctionAsync("() => window.dashboardStats.board.symbols >= 50", null, new() { Timeout = 15_000 });
        await page.WaitForSelectorAsync(".brow[data-symbol=AAPL]");
        string before = await page.InnerTextAsync(".brow[data-symbol=AAPL] .c-last");

        await page.WaitForFunctionAsync(
            "p => document.querySelector('.brow[data-symbol=AAPL] .c-last').textContent !== p",
            before,
            new() { Timeout = 10_000 });

        // The simulated feed reports quote sizes and its venue on every tick.
        Assert.Equal("SIM", await page.InnerTextAsync(".brow[data-symbol=AAPL] .c-venue"));
        Assert.Matches("^[0-9,.]+$", await page.InnerTextAsync(".brow[data-symbol=AAPL] .c-bsz"));
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
        await page.WaitForFunctionAsync("() => window.dashboardStats.board.symbols >= 50", null, new() { Timeout = 15_000 });

        await page.FillAsync("#symbol-filter", "aapl");
        await WaitShownAsync(page, ["AAPL"]);
        Assert.Equal(["AAPL"], await RenderedSymbolsAsync(page));

        await page.FillAsync("#symbol-filter", "MS, NV");
        await WaitShownAsync(page, ["MSFT", "NVDA"]);

        await page.FillAsync("#symbol-filter", string.Empty);
        await page.WaitForFunctionAsync("() => window.dashboardStats.board.shown.length === 50");
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [SkippableFact]
    public async Task The_board_sorts_by_symbol_and_reverses_on_a_second_click()
    {
        var errors = new List<string>();
        var page = await OpenAsync(errors);
        await page.WaitForFunctionAsync("() => window.dashboardStats.board.shown.length === 50", null, new() { Timeout = 15_000 });
        var byName = await ShownSymbolsAsync(page);
        Assert.Equal(byName.Order(StringComparer.Ordinal), byName);

        await page.ClickAsync(".bh[data-key=Symbol]");
        await WaitShownAsync(page, byName.AsEnumerable().Reverse());
        Assert.True(await page.IsVisibleAsync(".bh[data-key=Symbol].desc"));

        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [SkippableFact]
    public async Task A_click_on_a_symbol_opens_its_detail_with_a_chart_quote_sizes_and_recent_ticks()
    {
        var errors = new List<string>();
        var page = await OpenAsync(errors);
        await page.WaitForSelectorAsync(".brow[data-symbol=MSFT]", new() { Timeout = 15_000 });
        await page.ClickAsync(".brow[data-symbol=MSFT]");
        try
        {
            await page.WaitForSelectorAsync("#detail:not([hidden]) #detail-chart canvas", new() { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail("no detail chart; page errors: " + string.Join("\n", errors));
        }

        Assert.StartsWith("MSFT", await page.InnerTextAsync("#detail-symbol"), StringComparison.Ordinal);

        // The history comes from the server, then every update adds a point and a row.
        await page.WaitForFunctionAsync("() => Number(document.getElementById('detail').dataset.points) > 20 && document.querySelectorAll('#detail-ticks tbody tr').length >= 5", null, new() { Timeout = 15_000 });
        Assert.Contains("×", await page.InnerTextAsync("#detail-quote [data-field=Bid]"), StringComparison.Ordinal);
        Assert.Contains("×", await page.InnerTextAsync("#detail-quote [data-field=Ask]"), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator(".brow.selected").CountAsync());
        await Screenshot(page, "dashboard-detail.png");

        await page.ClickAsync("#detail-close");
        Assert.True(await page.IsHiddenAsync("#detail"));
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

    [SkippableFact]
    public async Task The_metrics_page_charts_every_series_grouped_by_application_with_counter_rates_and_a_filter()
    {
        var errors = new List<string>();
        var page = await OpenAsync(errors, "#metrics");

        // The demo's components report nine series: totals as counters, the rest as gauges.
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#metric-groups .mcard canvas').length >= 9", null, new() { Timeout = 20_000 });
        string[] groups = await page.EvalOnSelectorAllAsync<string[]>(".mgroup", "g => g.map(x => x.dataset.application)");
        Assert.Equal(["host", "relay-1", "sim-feed"], groups);
        await page.WaitForFunctionAsync("() => /\\/s$/.test(document.querySelector(\".mgroup[data-application='sim-feed'] .mcard[data-name='records_sent_total'] .mvalue\").textContent)", null, new() { Timeout = 20_000 });
        Assert.EndsWith("By", await page.InnerTextAsync(".mgroup[data-application='host'] .mcard[data-name='working_set_bytes'] .mvalue"), StringComparison.Ordinal);
        await Screenshot(page, "dashboard-metrics.png");

        await page.FillAsync("#metric-filter", "relay forwarded");
        string[] shown = await page.EvalOnSelectorAllAsync<string[]>(".mcard", "cards => cards.filter(c => !c.hidden && !c.closest('.mgroup').hidden).map(c => c.dataset.name)");
        Assert.Equal(["records_forwarded_total"], shown);
        Assert.Equal(["relay-1"], await page.EvalOnSelectorAllAsync<string[]>(".mgroup", "g => g.filter(x => !x.hidden).map(x => x.dataset.application)"));
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    private static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(Artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, name), FullPage = false });
    }

    /// <summary>The board's filtered, sorted list, as the page holds it (rows off screen are not in the DOM).</summary>
    private static async Task<List<string>> ShownSymbolsAsync(IPage page) =>
        [.. await page.EvaluateAsync<string[]>("() => window.dashboardStats.board.shown")];

    /// <summary>The list is rebuilt on the next animation frame after an input: wait for it, then it is what the test says or the wait fails.</summary>
    internal static Task WaitShownAsync(IPage page, IEnumerable<string> expected) =>
        page.WaitForFunctionAsync("e => window.dashboardStats.board.shown.join(',') === e", string.Join(',', expected), new() { Timeout = 10_000 });

    internal static async Task<List<string>> RenderedSymbolsAsync(IPage page) =>
        [.. await page.EvalOnSelectorAllAsync<string[]>(".brow", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.symbol).sort()")];

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
