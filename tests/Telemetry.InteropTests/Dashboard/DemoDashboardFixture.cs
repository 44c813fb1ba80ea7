namespace Telemetry.Tests.Dashboard;

/// <summary>
/// One dashboard in its default demo mode (simulated feed of 50 symbols at 20,000 ticks/s through an
/// in-process relay) and one browser, shared by the page tests: starting them per test would cost
/// more CPU than the tests themselves on a two-core machine.
/// </summary>
public sealed class DemoDashboardFixture : IAsyncLifetime
{
    internal DashboardProcess Dashboard { get; private set; } = null!;

    internal BrowserSession? Browser { get; private set; }

    public async Task InitializeAsync()
    {
        Dashboard = await DashboardProcess.StartAsync("--symbols", "50", "--rate", "20000");
        if (BrowserSession.WhyUnavailable is null)
        {
            Browser = await BrowserSession.LaunchAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        await Dashboard.DisposeAsync();
    }
}
