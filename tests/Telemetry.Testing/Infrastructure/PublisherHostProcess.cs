namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// The publisher host (publisher/bin/.../Telemetry.Publisher.dll, simulated feed) as a real process
/// inside a <see cref="NetnsLab"/> host, on fixed ports so it can be killed and started again where
/// its peers expect it. Ready means its <c>/metrics</c> answers, which it does once it has bound.
/// </summary>
internal sealed class PublisherHostProcess : IAsyncDisposable
{
    private const int MetricsPort = 9101;
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);

    private readonly string _namespace;
    private readonly string[] _args;
    private readonly List<string> _failedStarts = [];

    private PublisherHostProcess(string @namespace, string metricsHost, string[] args)
    {
        _namespace = @namespace;
        _args = args;
        MetricsUrl = $"http://{metricsHost}:{MetricsPort}/metrics";
    }

    public string MetricsUrl { get; }

    public ChildProcess? Process { get; private set; }

    public IReadOnlyList<string> FailedStarts => _failedStarts;

    /// <summary>Starts the host in <paramref name="host"/>'s namespace, bound to <paramref name="binds"/> (snapshot services on each port + 1).</summary>
    /// <param name="rate">Ticks per second over all symbols; each topic numbers its records from 1 whether or not anyone subscribed.</param>
    /// <param name="extraArgs">More command-line flags, e.g. <c>--window-bytes N</c>.</param>
    public static async Task<PublisherHostProcess> StartAsync(NetnsLab lab, string host, string name, IReadOnlyList<string> binds, int symbols, int rate, params string[] extraArgs)
    {
        string dll = RepoPaths.Program("publisher", "Telemetry.Publisher");
        Assert.True(File.Exists(dll), $"{dll} is missing; the test project builds it through a project reference.");
        var publisher = new PublisherHostProcess(
            lab.Namespace(host),
            lab.Address(host).ToString(),
            [dll, .. binds.SelectMany(b => new[] { "--bind", b }), "--name", name, "--symbols", $"{symbols}", "--rate", $"{rate}", "--metrics-port", $"{MetricsPort}", .. extraArgs]);
        await publisher.RestartAsync();
        return publisher;
    }

    /// <summary>SIGKILL: no goodbye to any peer; the kernel resets its connections.</summary>
    public async Task KillAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
            Process = null;
        }
    }

    /// <summary>Starts it again with the same arguments (a new session) and waits until it is ready.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        Process = await ReadyProcess.StartAsync(
            () => ChildProcess.Start("ip", ["netns", "exec", _namespace, "dotnet", .. _args]),
            async () => await TryScrapeAsync() is not null,
            StartPatience,
            _failedStarts,
            "The publisher host");
    }

    public async Task<PrometheusText> ScrapeAsync() =>
        await TryScrapeAsync() ?? throw new Xunit.Sdk.XunitException($"The publisher host does not answer on {MetricsUrl}.\n{Describe()}");

    public string Describe() =>
        $"publisher host {string.Join(' ', _args.Skip(1))}:\n{Process?.Describe()}" + string.Concat(_failedStarts.Select(f => $"\nfailed start, {f}"));

    public ValueTask DisposeAsync() => new(KillAsync());

    private async Task<PrometheusText?> TryScrapeAsync()
    {
        try
        {
            return await PrometheusText.ScrapeAsync(MetricsUrl);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
