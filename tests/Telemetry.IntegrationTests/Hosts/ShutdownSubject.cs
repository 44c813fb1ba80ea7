using System.Globalization;
using Telemetry.Tests.Infrastructure;
using Telemetry.Tests.Sink;

namespace Telemetry.Tests.Hosts;

/// <summary>
/// One long-running program for a shutdown test: the real built binary, started and ready (serving
/// <c>/metrics</c>, or with data flowing through it), with the lines it must print when a signal
/// stops it. A program that consumes a feed gets a publisher host of its own. Everything started is
/// killed on dispose, also when a start fails half-way.
/// </summary>
internal sealed class ShutdownSubject : IAsyncDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);

    private readonly List<ChildProcess> _feeds = [];
    private ChildProcess? _process;
    private string? _directory;
    private bool _reportsOnStderr;
    private Action<string>? _checkSummary;

    private ShutdownSubject()
    {
    }

    public ChildProcess Process => _process ?? throw new InvalidOperationException("Not started.");

    /// <summary>Where the program reports: the hosts log to stdout, the CLI reports on stderr (its stdout is data).</summary>
    public IReadOnlyCollection<string> Report => _reportsOnStderr ? Process.StderrLines : Process.StdoutLines;

    /// <summary>What the report must contain once it has stopped, in this order.</summary>
    public IReadOnlyList<string> StopLines { get; private set; } = [];

    private static string Publisher => RepoPaths.Program("publisher", "Telemetry.Publisher");

    private static string Relay => RepoPaths.Program("relay", "Telemetry.Relay");

    private static string Dashboard => RepoPaths.Program("dashboard", "Telemetry.Dashboard");

    private static string Cli => RepoPaths.Program("cli", "telemetry");

    public static async Task<ShutdownSubject> StartAsync(string program)
    {
        var subject = new ShutdownSubject();
        try
        {
            await (program switch
            {
                "publisher" => subject.StartPublisherAsync(),
                "relay" => subject.StartRelayAsync(),
                "dashboard" => subject.StartDashboardAsync(connect: false),
                "dashboard --connect" => subject.StartDashboardAsync(connect: true),
                "sink" => subject.StartSinkAsync(),
                "sub" => subject.StartSubAsync(),
                "stat" => subject.StartStatAsync(),
                _ => throw new ArgumentOutOfRangeException(nameof(program), program, "no such program"),
            });
            return subject;
        }
        catch
        {
            await subject.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// For the CLI commands, whose stop line is a summary: checks it against what the command
    /// actually put out, which shows its output was complete when it exited.
    /// </summary>
    public void CheckSummary(string summary) => _checkSummary?.Invoke(summary);

    public string Describe() =>
        _process?.Describe() + string.Concat(_feeds.Select(feed => $"\nfeed:\n{feed.Describe()}"));

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        foreach (var feed in _feeds)
        {
            await feed.DisposeAsync();
        }

        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task StartPublisherAsync()
    {
        string port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        _process = await StartReadyAsync(
            "the publisher host",
            () => Start(Publisher, "--bind", FreePort.TcpEndpoint(), "--symbols", "5", "--rate", "2000", "--metrics-port", port),
            _ => AnswersAsync($"http://127.0.0.1:{port}/metrics"));
        StopLines = ["Publisher host stopping", "Publisher host stopped"];
    }

    private async Task StartRelayAsync()
    {
        string upstream = FreePort.TcpEndpoint();
        await StartFeedAsync("--bind", upstream);
        string port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        _process = await StartReadyAsync(
            "the relay",
            () => Start(Relay, "--upstream", upstream, "--bind", FreePort.TcpEndpoint(), "--metrics-port", port),
            _ => AnswersAsync($"http://127.0.0.1:{port}/metrics"));
        StopLines = ["Relay stopping", "Relay stopped"];
    }

    private async Task StartDashboardAsync(bool connect)
    {
        string[] source = ["--symbols", "5", "--rate", "1000"];
        if (connect)
        {
            string endpoint = FreePort.TcpEndpoint();
            await StartFeedAsync("--bind", endpoint);
            source = ["--connect", endpoint];
        }

        // Ready once ticks have crossed it: in demo mode its in-process publishers and relay are all running then.
        string port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        _process = await StartReadyAsync(
            "the dashboard",
            () => Start(Dashboard, ["--port", port, .. source]),
            async _ => await TryScrapeAsync($"http://localhost:{port}/metrics") is { } metrics && metrics.Get("telemetry_dashboard_records_total", "kind", "tick") > 0);
        StopLines = ["Dashboard stopping", "Dashboard stopped"];
    }

    private async Task StartSinkAsync()
    {
        string endpoint = FreePort.TcpEndpoint();
        string directory = _directory = Directory.CreateTempSubdirectory("telemetry-shutdown-sink-").FullName;
        _process = await StartReadyAsync(
            "the sink",
            () => Start(Cli, "sink", "--bind", endpoint, "--prefix", "md.", "--out", directory, "--metrics-port", "0"),
            sink => Task.FromResult(sink.StderrLines.Any(l => l.StartsWith("sink writing", StringComparison.Ordinal))));

        // The sink binds and its publishers connect, as applications logging to it do.
        await StartFeedAsync("--connect", endpoint);
        await Eventually.Until(() => SinkFiles.CompleteLines(directory) > 0, 30_000, "ticks should reach the sink's files\n" + Describe());
        Expect(["sink stopped: "], summary => Assert.True(
            Number(summary, "sink stopped: ") == SinkFiles.CompleteLines(directory),
            $"The sink's count ({summary}) should match the lines in its files.\n{Describe()}"));
    }

    private async Task StartSubAsync()
    {
        string endpoint = FreePort.TcpEndpoint();
        await StartFeedAsync("--bind", endpoint);
        _process = await StartReadyAsync(
            "telemetry sub",
            () => Start(Cli, "sub", "--connect", endpoint, "--prefix", "md."),
            sub => Task.FromResult(sub.StdoutLines.Count > 0));
        Expect(["sub stopped: "], summary => Assert.True(
            Number(summary, "sub stopped: ") == Process.StdoutLines.Count,
            $"Every record sub counted ({summary}) should be on its stdout, one line each.\n{Describe()}"));
    }

    private async Task StartStatAsync()
    {
        string endpoint = FreePort.TcpEndpoint();
        await StartFeedAsync("--bind", endpoint);

        // Ready once a table has a row: records are flowing, and the live table is being drawn.
        _process = await StartReadyAsync(
            "telemetry stat",
            () => Start(Cli, "stat", "--connect", endpoint, "--prefix", "md."),
            stat => Task.FromResult(stat.StdoutLines.Any(l => l.StartsWith("md.", StringComparison.Ordinal))));
        Expect(["stat stopped: "], summary => Assert.True(
            Number(summary, " in ") == Process.StdoutLines.Count(l => l.StartsWith("TOPIC", StringComparison.Ordinal)),
            $"stat should count ({summary}) the tables it drew, one TOPIC header each.\n{Describe()}"));
    }

    /// <summary>For the CLI commands: they report on stderr, their last stop line a summary checked by <paramref name="checkSummary"/>.</summary>
    private void Expect(string[] stopLines, Action<string> checkSummary)
    {
        _reportsOnStderr = true;
        StopLines = stopLines;
        _checkSummary = checkSummary;
    }

    /// <summary>A publisher host for the program under test to read; ready when it serves <c>/metrics</c> (it has bound, or started connecting).</summary>
    private async Task StartFeedAsync(params string[] endpoint)
    {
        string port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        _feeds.Add(await StartReadyAsync(
            "the feed",
            () => ChildProcess.StartDotnet(Publisher, [.. endpoint, "--symbols", "5", "--rate", "2000", "--metrics-port", port]),
            _ => AnswersAsync($"http://127.0.0.1:{port}/metrics")));
    }

    /// <summary>The whole number right after <paramref name="marker"/> in <paramref name="line"/>.</summary>
    private static long Number(string line, string marker)
    {
        string rest = line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
        return long.Parse(rest[..rest.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    private static ChildProcess Start(string dll, params string[] args) => ChildProcess.StartDotnetWithDefaultSignals(dll, args);

    /// <summary>Starts until ready (see <see cref="ReadyProcess"/>), with a readiness check that can look at the process's output.</summary>
    private static Task<ChildProcess> StartReadyAsync(string what, Func<ChildProcess> start, Func<ChildProcess, Task<bool>> ready)
    {
        ChildProcess? current = null;
        return ReadyProcess.StartAsync(() => current = start(), () => ready(current!), StartPatience, [], what);
    }

    private static async Task<bool> AnswersAsync(string url) => await TryScrapeAsync(url) is not null;

    private static async Task<PrometheusText?> TryScrapeAsync(string url)
    {
        try
        {
            return await PrometheusText.ScrapeAsync(url);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
