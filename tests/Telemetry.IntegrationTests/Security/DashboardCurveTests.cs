using Telemetry.Hosting;
using Telemetry.Security;
using Telemetry.Tests.Dashboard;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Security;

/// <summary>The dashboard attached to a publisher host that encrypts and enforces entitlements, with the flags an operator uses.</summary>
public sealed class DashboardCurveTests : IDisposable
{
    private readonly string _files = Directory.CreateTempSubdirectory("telemetry-dashboard-curve-").FullName;

    [Fact]
    public async Task With_the_server_key_and_a_token_it_receives_over_CURVE_only_the_granted_topic_and_without_the_key_nothing()
    {
        KeyFiles.Write(_files, "feed", CurveKeyPair.Generate(), overwrite: false);
        string secretFile = Path.Combine(_files, "feed.secret");
        KeyFiles.WriteEntitlementSecret(secretFile);
        string tokenFile = Path.Combine(_files, "dashboard.token");
        File.WriteAllText(tokenFile, Tokens.Issue(KeyFiles.ReadEntitlementSecret(secretFile), "dashboard", "md.SIM.AAPL") + "\n");

        int port = FreePort.Next();
        await using var publisher = ChildProcess.StartDotnet(
            RepoPaths.Program("publisher", "Telemetry.Publisher"),
            "--bind", $"tcp://127.0.0.1:{port}", "--symbols", "5", "--rate", "500", "--metrics-port", "0",
            "--curve-key", Path.Combine(_files, "feed.key"), "--entitlement-secret", secretFile);

        // Without the server key (plaintext to a CURVE endpoint): the handshake fails, nothing arrives.
        await using var plaintext = await DashboardProcess.StartServingAsync(
            "--connect", $"tcp://127.0.0.1:{port}", "--prefix", "md.SIM.AAPL", "--token-file", tokenFile);

        // Asks for two symbols, is granted one: the refused subscription must bring no tick.
        await using var dashboard = await DashboardProcess.StartAsync(
            "--connect", $"tcp://127.0.0.1:{port}", "--prefix", "md.SIM.AAPL", "--prefix", "md.SIM.MSFT",
            "--curve-server-key", Path.Combine(_files, "feed.pub"), "--token-file", tokenFile);
        await Eventually.Until(
            () => DashboardProcess.Metric(dashboard.MetricsAsync().GetAwaiter().GetResult(), "telemetry_dashboard_records_total{kind=\"tick\"}") >= 100,
            10_000,
            () => "AAPL ticks should keep arriving over the encrypted link\n" + dashboard.Describe());

        string metrics = await dashboard.MetricsAsync();
        Assert.Equal(1, DashboardProcess.Metric(metrics, "telemetry_dashboard_topics"));
        Assert.Equal(0, DashboardProcess.Metric(metrics, "telemetry_dashboard_malformed_total"));
        Assert.Contains(publisher.StderrLines.Concat(publisher.StdoutLines), l => l.Contains("md.SIM.MSFT", StringComparison.Ordinal));

        // By now the keyed dashboard has had 100 ticks over CURVE; the plaintext one, started first, none.
        Assert.True(DashboardProcess.Metric(await plaintext.MetricsAsync(), "telemetry_dashboard_records_total{kind=\"tick\"}") <= 0, plaintext.Describe());
    }

    public void Dispose() => Directory.Delete(_files, recursive: true);
}
