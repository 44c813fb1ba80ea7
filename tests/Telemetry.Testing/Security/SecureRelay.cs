using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Security;

/// <summary>The relay program started with the security flags a test gives; ready once its <c>/metrics</c> answers.</summary>
internal sealed class SecureRelay : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _metricsUrl;

    private SecureRelay(ChildProcess process, string endpoint, string snapshotEndpoint, string metricsUrl)
    {
        _process = process;
        Endpoint = endpoint;
        SnapshotEndpoint = snapshotEndpoint;
        _metricsUrl = metricsUrl;
    }

    public string Endpoint { get; }

    public string SnapshotEndpoint { get; }

    public IReadOnlyCollection<string> StdoutLines => _process.StdoutLines;

    public static async Task<SecureRelay> StartAsync(params string[] args)
    {
        string endpoint = FreePort.TcpEndpoint();
        string snapshot = FreePort.TcpEndpoint();
        int metricsPort = FreePort.Next();
        var process = ChildProcess.StartDotnet(RelayProcess.Dll, [.. args, "--bind", endpoint, "--snapshot-bind", snapshot, "--name", "secure-relay", "--metrics-port", $"{metricsPort}"]);
        var relay = new SecureRelay(process, endpoint, snapshot, $"http://127.0.0.1:{metricsPort}/metrics");
        await Eventually.UntilAsync(async () => !process.HasExited && await relay.TryCountersAsync() is not null, 30_000, relay.Describe);
        return relay;
    }

    public async Task<RelayCounters> CountersAsync() => await TryCountersAsync() ?? throw new Xunit.Sdk.XunitException("The relay does not answer.\n" + Describe());

    public async Task<PrometheusText> ScrapeAsync() => await PrometheusText.ScrapeAsync(_metricsUrl);

    public string Describe() => _process.Describe();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private async Task<RelayCounters?> TryCountersAsync()
    {
        try
        {
            return RelayCounters.From(await PrometheusText.ScrapeAsync(_metricsUrl));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
