using System.Diagnostics;
using System.Globalization;

namespace Telemetry.Perf.Soak;

/// <summary>
/// <c>perf soak</c>: the publisher host at a fixed rate, a relay and a subscriber, each its own
/// process over loopback TCP, for minutes; RSS of each process sampled at a fixed interval. The point
/// is memory that creeps (a leak, a queue that only grows), so the verdict is about RSS after warm-up,
/// and the throughput figures are there to show the load was real.
/// </summary>
internal static class SoakRun
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static readonly HashSet<int> HandedOut = [];

    public static async Task<int> RunAsync(SoakSettings settings, string configuration)
    {
        string root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));
        string Dll(string folder, string assembly) => Path.Combine(root, folder, "bin", configuration, "net10.0", assembly + ".dll");
        int originPort = FreePort(), originSnapshot = FreePort(), relayPort = FreePort(), publisherMetrics = FreePort(), relayMetrics = FreePort();
        string origin = $"tcp://127.0.0.1:{originPort}", relayEndpoint = $"tcp://127.0.0.1:{relayPort}";

        using var publisher = HostProcess.Start(
            "publisher", Dll("publisher", "Telemetry.Publisher"), "--bind", origin, "--snapshot-bind", $"tcp://127.0.0.1:{originSnapshot}",
            "--symbols", Invariant(settings.Symbols), "--rate", Invariant(settings.Rate), "--metrics-port", Invariant(publisherMetrics), "--name", "soak");
        using var relay = HostProcess.Start(
            "relay", Dll("relay", "Telemetry.Relay"), "--upstream", origin, "--upstream-snapshot", $"tcp://127.0.0.1:{originSnapshot}",
            "--bind", relayEndpoint, "--snapshot-bind", $"tcp://127.0.0.1:{FreePort()}", "--metrics-port", Invariant(relayMetrics), "--name", "soak-relay");
        using var subscriber = HostProcess.Start("subscriber", typeof(SoakRun).Assembly.Location, "soak-subscriber", "--connect", relayEndpoint);
        HostProcess[] processes = [publisher, relay, subscriber];

        Console.WriteLine($"soak: {settings.Minutes} min at {settings.Rate:N0} records/s over {settings.Symbols} symbols; publisher pid {publisher.Id} -> relay pid {relay.Id} -> subscriber pid {subscriber.Id}");
        Console.WriteLine($"RSS every {settings.SampleSeconds} s; warm-up {settings.WarmupSeconds} s; flat means max/min - 1 <= {settings.Tolerance:P0} per process after warm-up");
        var samples = new List<SoakSample>();
        var clock = Stopwatch.StartNew();
        var total = TimeSpan.FromMinutes(settings.Minutes);
        string? died = null;
        SoakSample? previous = null;
        while (clock.Elapsed < total)
        {
            await Task.Delay(TimeSpan.FromSeconds(settings.SampleSeconds) - TimeSpan.FromTicks(clock.Elapsed.Ticks % TimeSpan.FromSeconds(settings.SampleSeconds).Ticks));
            if (processes.FirstOrDefault(p => p.HasExited) is { } gone)
            {
                died = $"{gone.Name} exited:\n{gone.Tail()}";
                break;
            }

            var sample = await SampleAsync(clock.Elapsed.TotalSeconds, processes, publisherMetrics, relayMetrics, subscriber);
            samples.Add(sample);
            Console.WriteLine(Progress(sample, previous));
            previous = sample;
        }

        var report = new SoakReport(settings, samples, died);
        Directory.CreateDirectory(settings.OutputDirectory);
        string stem = Path.Combine(settings.OutputDirectory, $"soak-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        await File.WriteAllTextAsync(stem + ".json", report.ToJson());
        await File.WriteAllTextAsync(stem + ".md", report.ToMarkdown());
        Console.WriteLine();
        Console.WriteLine(report.ToMarkdown());
        Console.WriteLine($"samples written to {stem}.json and {stem}.md");
        return report.Flat ? 0 : 1;
    }

    private static async Task<SoakSample> SampleAsync(double seconds, HostProcess[] processes, int publisherMetrics, int relayMetrics, HostProcess subscriber)
    {
        var rss = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var process in processes)
        {
            if (process.Rss() is { } bytes)
            {
                rss[process.Name] = bytes;
            }
        }

        // One scrape per host per sample: every series of a sample comes from the same moment, and
        // the scrapes themselves (which allocate in the measured processes) stay few.
        string? publisherText = await ScrapeAsync(publisherMetrics), relayText = await ScrapeAsync(relayMetrics);
        var gc = new Dictionary<string, GcMemory>(StringComparer.Ordinal)
        {
            ["publisher"] = new(Series(publisherText, "dotnet_gc_committed_bytes "), Series(publisherText, "dotnet_gc_heap_size_bytes ")),
            ["relay"] = new(Series(relayText, "dotnet_gc_committed_bytes "), Series(relayText, "dotnet_gc_heap_size_bytes ")),
        };
        string? counts = subscriber.LastLine(SoakSubscriber.LinePrefix);
        return new SoakSample(
            Math.Round(seconds, 1),
            rss,
            Series(publisherText, "telemetry_publisher_published_total "),
            Series(relayText, "telemetry_relay_records_total{link=\"upstream\"} "),
            SoakSubscriber.Read(counts, "records"),
            SoakSubscriber.Read(counts, "gaps"),
            SoakSubscriber.Read(counts, "missing"),
            gc);
    }

    private static string Progress(SoakSample s, SoakSample? previous)
    {
        double interval = s.Seconds - (previous?.Seconds ?? 0);
        double Rate(long now, long before) => (now - before) / Math.Max(interval, 0.001);
        string rss = string.Join("  ", s.Rss.Select(r => $"{r.Key} {r.Value / 1048576.0,6:F1} MB{Gc(s, r.Key)}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{s.Seconds,6:F0} s  {rss}  published {Rate(s.Published, previous?.Published ?? 0),11:N0}/s  relayed {Rate(s.Relayed, previous?.Relayed ?? 0),11:N0}/s  received {Rate(s.Received, previous?.Received ?? 0),11:N0}/s  gaps {s.Gaps:N0} (missing {s.Missing:N0})");
    }

    /// <summary>" (gc 41.0/12.3)": the GC's committed MB and heap MB, for the hosts that report them.</summary>
    internal static string Gc(SoakSample sample, string process) =>
        sample.Gc.TryGetValue(process, out var gc) && gc.Committed > 0
            ? string.Create(CultureInfo.InvariantCulture, $" (gc {gc.Committed / 1048576.0:F1}/{gc.HeapSize / 1048576.0:F1})")
            : string.Empty;

    /// <summary>The text of a host's /metrics, or null when it does not answer.</summary>
    private static async Task<string?> ScrapeAsync(int port)
    {
        try
        {
            return await Http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The value of one series in a scrape: 0 when absent, -1 when the host did not answer.</summary>
    private static long Series(string? text, string series)
    {
        if (text is null)
        {
            return -1;
        }

        string? line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series, StringComparison.Ordinal));
        return line is null ? 0 : (long)double.Parse(line[series.Length..], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A free loopback port below the ephemeral range, so no outgoing connection (the relay and the
    /// subscriber reconnect while their upstream starts) can take it between this check and the bind.
    /// </summary>
    private static int FreePort()
    {
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            int port = Random.Shared.Next(10_000, 30_000);
            if (HandedOut.Add(port))
            {
                try
                {
                    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // taken; try another
                }
            }
        }

        throw new InvalidOperationException("no free port below the ephemeral range");
    }
}
