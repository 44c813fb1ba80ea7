using System.Net;
using System.Net.Sockets;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Hosting;

/// <summary>
/// The hosts' <c>/metrics</c> endpoint (hosting/MetricsEndpoint.cs, on Kestrel), in the real
/// programs: served while they run, and a port that cannot be had is one line and an exit code.
/// </summary>
public sealed class MetricsEndpointTests : IDisposable
{
    private static readonly TimeSpan ExitPatience = TimeSpan.FromSeconds(30);

    private readonly string _sinkOutput = Path.Combine(Path.GetTempPath(), $"metrics-test-{Guid.NewGuid():N}");

    /// <summary>The three programs that serve /metrics through hosting/MetricsEndpoint.cs.</summary>
    public static TheoryData<string> Programs => ["relay", "publisher", "sink"];

    public void Dispose()
    {
        if (Directory.Exists(_sinkOutput))
        {
            Directory.Delete(_sinkOutput, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task A_metrics_port_already_in_use_stops_the_program_with_one_line_and_a_non_zero_exit_code(string program)
    {
        // Held on every interface, as the hosts listen: whichever address they pick, the port is taken.
        using var holder = new TcpListener(IPAddress.Any, FreePort.Next());
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var (process, exitCode, prefix) = Start(program, port);
        await using (process)
        {
            Assert.Equal(exitCode, await process.WaitForExitAsync(ExitPatience));
            Assert.Equal([$"{prefix}metrics: cannot listen on http://+:{port}/metrics: address already in use"], process.StderrLines);
            Assert.DoesNotContain(process.StdoutLines, l => l.Contains("Exception", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_metrics_host_that_is_not_an_address_is_refused_in_one_line_rather_than_served_on_every_interface()
    {
        int port = FreePort.Next();
        await using var relay = ChildProcess.Start(
            "dotnet",
            [RelayProcess.Dll, "--upstream", FreePort.TcpEndpoint(), "--bind", FreePort.TcpEndpoint(), "--metrics-port", $"{port}"],
            new Dictionary<string, string> { ["Metrics__Host"] = "metrics.example" });

        Assert.Equal(3, await relay.WaitForExitAsync(ExitPatience));
        Assert.Equal([$"metrics: cannot listen on http://metrics.example:{port}/metrics: 'metrics.example' is not an IP address, localhost or + (every interface)"], relay.StderrLines);
    }

    [Fact]
    public async Task The_publisher_host_serves_its_counters_and_the_gc_gauges_and_stops_cleanly_on_sigterm()
    {
        int port = FreePort.Next();
        string url = $"http://127.0.0.1:{port}/metrics";
        await using var publisher = ChildProcess.StartDotnet(
            RepoPaths.Program("publisher", "Telemetry.Publisher"),
            "--bind", FreePort.TcpEndpoint(), "--symbols", "3", "--rate", "300", "--metrics-port", $"{port}");

        // The feed publishes with no subscriber: records are counted as published, and none is sent.
        PrometheusText scrape = null!;
        await Eventually.UntilAsync(
            async () => (scrape = await TryScrapeAsync(url) ?? scrape) is { } s && s.Get("telemetry_publisher_published_total") >= 100,
            30_000,
            () => $"{scrape}\n{publisher.Describe()}");
        Assert.Equal((0L, 0L), (scrape.Get("telemetry_publisher_records_total"), scrape.Get("telemetry_publisher_subscribers")));
        Assert.True(scrape.Get("dotnet_gc_committed_bytes") > 0, "the GC gauges are updated before each scrape too");

        publisher.Terminate();
        Assert.Equal(0, await publisher.WaitForExitAsync(ExitPatience));
        Assert.Empty(publisher.StderrLines);
    }

    /// <summary>Starts a program with everything it needs but a free metrics port; its exit code and line prefix for the failure.</summary>
    private (ChildProcess Process, int ExitCode, string Prefix) Start(string program, int metricsPort) => program switch
    {
        "relay" => (ChildProcess.StartDotnet(RelayProcess.Dll, "--upstream", FreePort.TcpEndpoint(), "--bind", FreePort.TcpEndpoint(), "--metrics-port", $"{metricsPort}"), 3, ""),
        "publisher" => (ChildProcess.StartDotnet(RepoPaths.Program("publisher", "Telemetry.Publisher"), "--bind", FreePort.TcpEndpoint(), "--metrics-port", $"{metricsPort}"), 3, ""),
        "sink" => (ChildProcess.StartDotnet(
            RepoPaths.Program("cli", "telemetry"), "sink", "--bind", FreePort.TcpEndpoint(), "--out", _sinkOutput, "--metrics-port", $"{metricsPort}"), 1, "telemetry: "),
        _ => throw new ArgumentOutOfRangeException(nameof(program), program, null),
    };

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
