using System.Globalization;
using Microsoft.Playwright;

namespace Telemetry.Tests.Dashboard;

/// <summary>
/// The market board at a real feed's width: a thousand symbols whose values the test knows (they are
/// published again and again, unchanged), so what the page shows and how it sorts can be asserted
/// exactly. How fast the page is at 100,000 ticks/s is measured in perf/ (perf board), not here.
/// </summary>
public sealed class BoardScaleTests(BoardScaleTests.Feed feed) : IClassFixture<BoardScaleTests.Feed>
{
    private const int Symbols = 1000;

    [SkippableFact]
    public async Task A_thousand_symbols_load_with_only_a_screenful_of_rows_in_the_page()
    {
        var errors = new List<string>();
        var page = await feed.OpenAsync(errors);
        await page.WaitForFunctionAsync($"() => window.dashboardStats.board.shown.length === {Symbols}", null, new() { Timeout = 20_000 });
        int rows = await page.Locator(".brow").CountAsync();
        Assert.InRange(rows, 20, 100);

        // Scrolled to the end, the last symbols are drawn, in rows taken from those that scrolled away.
        await page.EvalOnSelectorAsync("#board", "b => b.scrollTop = b.scrollHeight");
        await page.WaitForSelectorAsync(".brow[data-symbol=S0999]:not([hidden])");
        Assert.Equal(rows, await page.Locator(".brow").CountAsync());
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [SkippableFact]
    public async Task Sorting_by_last_price_orders_the_whole_board_and_a_second_click_reverses_it()
    {
        var errors = new List<string>();
        var page = await feed.OpenAsync(errors);
        await page.WaitForFunctionAsync($"() => window.dashboardStats.board.shown.length === {Symbols}", null, new() { Timeout = 20_000 });
        var byPrice = Enumerable.Range(0, Symbols).OrderByDescending(Feed.PriceOf).ThenBy(Feed.SymbolOf, StringComparer.Ordinal).Select(Feed.SymbolOf).ToList();

        await page.ClickAsync(".bh[data-key=Value]");
        await DashboardPageTests.WaitShownAsync(page, byPrice);
        Assert.Equal(Feed.PriceText(byPrice[0]), await page.InnerTextAsync($".brow[data-symbol={byPrice[0]}] .c-last"));

        await page.ClickAsync(".bh[data-key=Value]");
        await DashboardPageTests.WaitShownAsync(page, Enumerable.Range(0, Symbols).OrderBy(Feed.PriceOf).ThenBy(Feed.SymbolOf, StringComparer.Ordinal).Select(Feed.SymbolOf));
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [SkippableFact]
    public async Task A_halted_symbol_says_so_with_its_venue_and_quote_sizes()
    {
        var errors = new List<string>();
        var page = await feed.OpenAsync(errors);
        await page.FillAsync("#symbol-filter", "S0100");
        await page.WaitForSelectorAsync(".brow[data-symbol=S0100]:not([hidden])", new() { Timeout = 20_000 });
        Assert.Equal("HALTED", await page.InnerTextAsync(".brow[data-symbol=S0100] .c-status"));
        Assert.Equal("XLON", await page.InnerTextAsync(".brow[data-symbol=S0100] .c-venue"));
        Assert.Equal(("1,100", "2,100"), (await page.InnerTextAsync(".brow[data-symbol=S0100] .c-bsz"), await page.InnerTextAsync(".brow[data-symbol=S0100] .c-asz")));

        await page.FillAsync("#symbol-filter", "S0101");
        await page.WaitForSelectorAsync(".brow[data-symbol=S0101]:not([hidden])");
        Assert.Equal(string.Empty, await page.InnerTextAsync(".brow[data-symbol=S0101] .c-status")); // trading: nothing to flag
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [SkippableFact]
    public async Task A_dropped_connection_reconnects_by_itself_and_says_so_on_the_page()
    {
        var errors = new List<string>();
        var page = await feed.OpenAsync(errors);
        await page.WaitForFunctionAsync($"() => window.dashboardStats.board.symbols === {Symbols} && window.dashboardStats.connected", null, new() { Timeout = 20_000 });

        await feed.Dashboard.RestartAsync(whileDown: async () =>
        {
            await page.WaitForFunctionAsync("() => !window.dashboardStats.connected", null, new() { Timeout = 15_000 });
            Assert.Contains("lost", await page.InnerTextAsync("#conn-banner"), StringComparison.Ordinal);
            Assert.True(await page.IsVisibleAsync("#conn-banner"));
        });

        await page.WaitForFunctionAsync("() => window.dashboardStats.connected && window.dashboardStats.reconnects >= 1 && window.dashboardStats.hellos >= 2", null, new() { Timeout = 30_000 });
        Assert.Contains("Reconnected", await page.InnerTextAsync("#conn-banner"), StringComparison.Ordinal);
        Assert.Equal("live", await page.InnerTextAsync("#conn span"));
        await page.WaitForFunctionAsync($"() => window.dashboardStats.board.symbols === {Symbols}", null, new() { Timeout = 20_000 });

        // The console shows what a server that went away causes, and nothing else: SignalR's closed
        // socket, and, when the restart outlasts the 2 s retry, each refused attempt (the browser's
        // failed request, SignalR's failed negotiation and start).
        string[] expected = ["WebSocket closed with status code: 1006", "net::ERR_CONNECTION_REFUSED", "Failed to complete negotiation with the server", "Failed to start the connection"];
        Assert.All(errors, e => Assert.Contains(expected, x => e.Contains(x, StringComparison.Ordinal)));
        await page.CloseAsync();
    }

    /// <summary>A publisher of a thousand symbols with fixed values, a dashboard connected to it, and a browser.</summary>
    public sealed class Feed : IAsyncLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private TelemetryPublisher<Tick> _publisher = null!;
        private Task _publishing = Task.CompletedTask;

        internal DashboardProcess Dashboard { get; private set; } = null!;

        internal BrowserSession? Browser { get; private set; }

        public static string SymbolOf(int i) => "S" + i.ToString("D4", CultureInfo.InvariantCulture);

        /// <summary>Distinct prices in cents, in no relation to the symbols' order.</summary>
        public static long PriceOf(int i) => 1_000 + ((i * 7_919L) % 100_003);

        public static string PriceText(string symbol)
        {
            long cents = PriceOf(int.Parse(symbol[1..], CultureInfo.InvariantCulture));
            return Decimal64.ToDecimal(cents, 2).ToString(CultureInfo.InvariantCulture);
        }

        public async Task InitializeAsync()
        {
            _publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "board-feed", Bind = ["tcp://127.0.0.1:*"] });
            var topics = Enumerable.Range(0, Symbols).Select(i => _publisher.Topic($"md.TEST.{SymbolOf(i)}")).ToArray();
            var xnas = new Venue("XNAS");
            var xlon = new Venue("XLON");
            _publishing = Task.Run(async () =>
            {
                // The same values again and again: a page opened at any time sees exactly them.
                while (!_stop.IsCancellationRequested)
                {
                    for (int i = 0; i < Symbols; i++)
                    {
                        long price = PriceOf(i);
                        var status = i % 100 == 0 ? TradingStatus.Halted : TradingStatus.Trading;
                        _publisher.Publish(topics[i], new Tick(1, price, price - 1, price + 1, 100, 2, 0, TickFlags.Trade, 1_000 + i, 2_000 + i, i % 2 == 0 ? xlon : xnas, status));
                    }

                    await Task.Delay(300).ConfigureAwait(false);
                }
            });
            Dashboard = await DashboardProcess.StartAsync("--connect", _publisher.BoundEndpoints[0], "--prefix", "md.");
            if (BrowserSession.WhyUnavailable is null)
            {
                Browser = await BrowserSession.LaunchAsync();
            }
        }

        public async Task<IPage> OpenAsync(List<string> errors)
        {
            Skip.If(Browser is null, BrowserSession.WhyUnavailable);
            var page = await Browser.NewPageAsync(errors);
            await page.GotoAsync(Dashboard.Url);
            return page;
        }

        public async Task DisposeAsync()
        {
            if (Browser is not null)
            {
                await Browser.DisposeAsync();
            }

            await Dashboard.DisposeAsync();
            await _stop.CancelAsync();
            await _publishing;
            await _publisher.DisposeAsync();
        }

        public void Dispose()
        {
            _stop.Dispose();
        }
    }
}
