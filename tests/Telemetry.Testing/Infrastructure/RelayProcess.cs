namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// The relay program (relay/bin/.../Telemetry.Relay.dll) as a real process on fixed ports, so it can
/// be killed and started again where its peers expect it. Ready means its <c>/metrics</c> answers:
/// the relay serves metrics only after its sockets are bound and connecting.
/// </summary>
internal sealed class RelayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);

    private readonly string[] _args;
    private readonly List<string> _failedStarts = [];
    private readonly string? _netns;
    private IDictionary<string, string>? _environment;

    private RelayProcess(string name, IReadOnlyList<string> upstream, string endpoint, string? snapshotBind, IReadOnlyList<string>? upstreamSnapshot, string metricsHost, int metricsPort, string? netns)
    {
        Name = name;
        Upstream = upstream;
        Endpoint = endpoint;

        // Its own free port, not the default of the data port + 1, which a test cannot know is free.
        SnapshotEndpoint = snapshotBind ?? $"tcp://{TcpProxy.ParseTcp(endpoint).Address}:{FreePort.NextStable()}";
        MetricsUrl = $"http://{metricsHost}:{metricsPort}/metrics";
        _netns = netns;
        _args =
        [
            .. upstream.SelectMany(u => new[] { "--upstream", u }),
            .. (upstreamSnapshot ?? []).SelectMany(u => new[] { "--upstream-snapshot", u }),
            "--bind", endpoint, "--snapshot-bind", SnapshotEndpoint, "--name", name, "--metrics-port", $"{metricsPort}",
        ];
    }

    public static string Dll => RepoPaths.Program("relay", "Telemetry.Relay");

    public string Name { get; }

    public IReadOnlyList<string> Upstream { get; }

    /// <summary>Where downstream subscribers and relays connect.</summary>
    public string Endpoint { get; }

    /// <summary>Where its late-join snapshot service answers.</summary>
    public string SnapshotEndpoint { get; }

    public string MetricsUrl { get; }

    public ChildProcess? Process { get; private set; }

    /// <summary>Starts a relay bound to <paramref name="bind"/> (a fresh loopback port if null) and waits until it is ready.</summary>
    /// <remarks>Its ports come from <see cref="FreePort.NextStable"/>, so a restart finds them free.</remarks>
    /// <param name="snapshotBind">Where its snapshot service binds; a fresh port of the bind address if null.</param>
    /// <param name="upstreamSnapshot">Snapshot services of the upstream; by default the relay derives them from <paramref name="upstream"/> (port + 1), which is wrong behind a proxy.</param>
    /// <param name="netns">Network namespace to run it in (via <c>ip netns exec</c>); null for this one.</param>
    /// <param name="metricsHost">Address the test scrapes; the relay serves metrics on every interface of its namespace.</param>
    /// <param name="environment">Settings given as environment variables (e.g. <c>Relay__HeartbeatTimeout</c>), also inside <paramref name="netns"/>.</param>
    public static async Task<RelayProcess> StartAsync(string name, IReadOnlyList<string> upstream, string? bind = null, string? snapshotBind = null, IReadOnlyList<string>? upstreamSnapshot = null, string? netns = null, string metricsHost = "127.0.0.1", IDictionary<string, string>? environment = null)
    {
        Assert.True(File.Exists(Dll), $"{Dll} is missing; the test project builds it through a project reference.");
        var relay = new RelayProcess(name, upstream, bind ?? FreePort.StableTcpEndpoint(), snapshotBind, upstreamSnapshot, metricsHost, FreePort.NextStable(), netns) { _environment = environment };
        await relay.RestartAsync();
        return relay;
    }

    /// <summary>SIGKILL: no goodbye to any peer, sockets torn down by the kernel.</summary>
    public async Task KillAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
            Process = null;
        }
    }

    /// <summary>Starts the relay again with the same arguments (same ports) and waits until it is ready.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        Process = await ReadyProcess.StartAsync(
            () => _netns is null
                ? ChildProcess.Start("dotnet", [Dll, .. _args], _environment)
                : ChildProcess.Start("ip", ["netns", "exec", _netns, "dotnet", Dll, .. _args], _environment), // ip netns exec keeps the environment
            async () => await TryScrapeAsync() is not null,
            StartPatience,
            _failedStarts,
            $"Relay {Name}");
    }

    public async Task<RelayCounters> CountersAsync() =>
        await TryScrapeAsync() ?? throw new Xunit.Sdk.XunitException($"Relay {Name} does not answer on {MetricsUrl}.\n{Process?.Describe()}");

    /// <summary>Output of the starts that exited before they were ready (e.g. a port still in use).</summary>
    public IReadOnlyList<string> FailedStarts => _failedStarts;

    public string Describe() =>
        $"relay {Name} ({string.Join(",", Upstream)} -> {Endpoint}):\n{Process?.Describe()}" +
        string.Concat(_failedStarts.Select(f => $"\nfailed start, {f}"));

    public ValueTask DisposeAsync() => new(KillAsync());

    private async Task<RelayCounters?> TryScrapeAsync()
    {
        try
        {
            return RelayCounters.From(await PrometheusText.ScrapeAsync(MetricsUrl));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
