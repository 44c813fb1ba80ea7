using System.Globalization;
using System.Text.RegularExpressions;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Dashboard;

/// <summary>The dashboard as a real process on a free port, started with the given flags and killed on dispose.</summary>
internal sealed partial class DashboardProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly int _port;
    private readonly string[] _args;
    private ChildProcess _process;

    private DashboardProcess(int port, string[] args)
    {
        _port = port;
        _args = args;
        _process = Launch(port, args);
        Url = $"http://localhost:{port}/";
    }

    public string Url { get; }

    public string Describe() => _process.Describe();

    /// <summary>Starts the dashboard and waits until it serves <c>/metrics</c> and has received ticks.</summary>
    public static Task<DashboardProcess> StartAsync(params string[] args) =>
        StartAsync(receivesTicks: true, args);

    /// <summary>Starts the dashboard and waits until it serves <c>/metrics</c>, ticks or not (for a dashboard that must get none).</summary>
    public static Task<DashboardProcess> StartServingAsync(params string[] args) =>
        StartAsync(receivesTicks: false, args);

    private static async Task<DashboardProcess> StartAsync(bool receivesTicks, string[] args)
    {
        var dashboard = new DashboardProcess(FreePort.Next(), args);
        try
        {
            await dashboard.WaitUntilServingAsync(receivesTicks);
        }
        catch
        {
            await dashboard.DisposeAsync();
            throw;
        }

        return dashboard;
    }

    /// <summary>
    /// Kills the dashboard (no goodbye to its pages), runs <paramref name="whileDown"/>, and starts it
    /// again on the same port with the same flags.
    /// </summary>
    public async Task RestartAsync(Func<Task>? whileDown = null, bool receivesTicks = true)
    {
        await _process.DisposeAsync();
        if (whileDown is not null)
        {
            await whileDown();
        }

        _process = Launch(_port, _args);
        await WaitUntilServingAsync(receivesTicks);
    }

    private static ChildProcess Launch(int port, string[] args) =>
        ChildProcess.StartDotnet(RepoPaths.Program("dashboard", "Telemetry.Dashboard"), ["--port", port.ToString(CultureInfo.InvariantCulture), .. args]);

    private Task WaitUntilServingAsync(bool receivesTicks) => Eventually.Until(
        () => !_process.HasExited && (receivesTicks ? TryMetric("telemetry_dashboard_records_total{kind=\"tick\"}") > 0 : TryMetric("telemetry_dashboard_topics") >= 0),
        timeoutMs: 30_000,
        because: () => "the dashboard should serve /metrics" + (receivesTicks ? " and receive ticks" : string.Empty) + "\n" + Describe());

    public async Task<string> MetricsAsync() => await Http.GetStringAsync(Url + "metrics");

    /// <summary>The value of one sample line of <c>/metrics</c>, e.g. <c>telemetry_dashboard_topics</c>; -1 when absent.</summary>
    public static double Metric(string metrics, string sample)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(sample + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private double TryMetric(string sample)
    {
        try
        {
            return Metric(MetricsAsync().GetAwaiter().GetResult(), sample);
        }
        catch (HttpRequestException)
        {
            return -1;
        }
        catch (TaskCanceledException)
        {
            return -1;
        }
    }
}
