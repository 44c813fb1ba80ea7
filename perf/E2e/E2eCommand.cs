using System.Text.Json.Nodes;

namespace Telemetry.Perf.E2e;

/// <summary>
/// <c>perf e2e [--quick] [--json PATH] [--markdown PATH] [--only a,b]</c>: every scenario in turn,
/// each party its own process, then the table, the targets and results.json.
/// </summary>
internal static class E2eCommand
{
    public static async Task<int> RunAsync(string[] args, string configuration)
    {
        bool quick = args.Contains("--quick");
        string jsonPath = Option(args, "--json") ?? "results.json";
        string markdownPath = Option(args, "--markdown") ?? Path.ChangeExtension(jsonPath, ".md");
        var only = Option(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var settings = E2eSettings.For(quick, configuration);
        var launcher = new Launcher(settings);
        var telemetry = new TelemetryScenarios(settings, launcher);
        var peers = new PeerScenarios(settings, launcher);
        int probes = quick ? 3 : 6;
        Task<ScenarioResult> Capacity(string name, string description, double start, Func<double, Task<ScenarioResult>> probe) =>
            CapacitySearch.RunAsync(name, description, start, probes, settings.Seconds, probe);
        const string lossless = "the highest paced rate a window carries with zero loss (search: fresh processes per probe, to within 10%)";
        var scenarios = new (string Name, Func<Task<ScenarioResult>> Run)[]
        {
            ("capacity_pubsub", () => Capacity("capacity_pubsub", $"publisher -> subscriber, one topic: {lossless}; windows on, repair off", 4_000_000,
                rate => telemetry.ThroughputAsync("capacity_pubsub", "", 1, viaRelay: false, rate))),
            ("capacity_relay", () => Capacity("capacity_relay", $"publisher -> relay host -> subscriber, one topic: {lossless}; windows on, repair off", 4_000_000,
                rate => telemetry.ThroughputAsync("capacity_relay", "", 1, viaRelay: true, rate))),
            ("capacity_fanout4", () => Capacity("capacity_fanout4", $"publisher -> 4 subscriber processes, one topic: {lossless}, per subscriber, every subscriber lossless; records/s is the total delivered", 2_000_000,
                rate => telemetry.ThroughputAsync("capacity_fanout4", "", 4, viaRelay: false, rate))),
            ("libzmq_capacity", () => Capacity("libzmq_capacity", $"libzmq PUB -> SUB (C), one 32-byte record per message, dropping at the high-water mark as ours does: {lossless}; loss from the sequence numbers in the payload; high-water marks of 10,000 messages (ten times our PUB's 1,000 batches, our SUB's 10,000)", 400_000,
                rate => peers.LibzmqAsync("libzmq_capacity", "", rate, capacity: true))),
            ("pubsub", () => telemetry.ThroughputAsync("pubsub", "FLAT OUT, with loss: publisher -> subscriber, one topic; every tick decoded and handed to the application (flat out, latency is time spent in full queues)", 1, viaRelay: false)),
            ("pubsub_nowindow", () => telemetry.ThroughputAsync("pubsub_nowindow", "as pubsub, with the publisher's retransmission window off (--window-bytes 0): what the window costs flat out", 1, viaRelay: false, windowBytes: 0)),
            ("libzmq_pubsub", () => peers.LibzmqAsync("libzmq_pubsub", "FLAT OUT: libzmq PUB -> SUB (C), 32-byte messages, the PUB waiting at its high-water mark (ZMQ_XPUB_NODROP)", 0)),
            ("nats_pubsub", peers.NatsAsync),
            ("relay", () => telemetry.ThroughputAsync("relay", "FLAT OUT, with loss: publisher -> relay host -> subscriber, one topic (latency: time in full queues)", 1, viaRelay: true)),
            ("fanout4", () => telemetry.ThroughputAsync("fanout4", "FLAT OUT, with loss: publisher -> 4 subscriber processes, one topic; records delivered in total (latency: worst subscriber, time in full queues)", 4, viaRelay: false)),
            ("latency1k", () => telemetry.LatencyAsync("latency1k", 1_000)),
            ("latency10k", () => telemetry.LatencyAsync("latency10k", 10_000)),
            ("latency100k", () => telemetry.LatencyAsync("latency100k", 100_000)),
            ("libzmq_latency1k", () => peers.LibzmqAsync("libzmq_latency1k", "libzmq PUB -> SUB (C), 32-byte messages paced at 1,000/s; one-way latency, CO-corrected", 1_000)),
            ("libzmq_latency10k", () => peers.LibzmqAsync("libzmq_latency10k", "libzmq PUB -> SUB (C), 32-byte messages paced at 10,000/s; one-way latency, CO-corrected", 10_000)),
            ("libzmq_latency100k", () => peers.LibzmqAsync("libzmq_latency100k", "libzmq PUB -> SUB (C), 32-byte messages paced at 100,000/s; one-way latency, CO-corrected", 100_000)),
            ("netmq_latency1k", () => telemetry.NetMqLatencyAsync("netmq_latency1k", 1_000)),
            ("netmq_latency10k", () => telemetry.NetMqLatencyAsync("netmq_latency10k", 10_000)),
            ("netmq_latency100k", () => telemetry.NetMqLatencyAsync("netmq_latency100k", 100_000)),
            ("zipf1000", telemetry.ZipfAsync),
            ("fanout100_relay", () => telemetry.Fanout100Async(10_000)),
            ("libzmq_fanout100_proxy", () => peers.LibzmqFanout100Async(10_000)),
            ("window_on_1m", () => telemetry.WindowCostAsync("window_on_1m", window: true)),
            ("window_off_1m", () => telemetry.WindowCostAsync("window_off_1m", window: false)),
            ("stalled_subscriber", telemetry.StalledSubscriberAsync),
        };

        var info = new RunInfo(DateTime.UtcNow, $"{Environment.ProcessorCount} cores, {Environment.OSVersion.VersionString}", ProcStat.LoadAverage(), quick, "dotnet run --project perf -c Release -- e2e " + string.Join(' ', args));
        Console.WriteLine($"perf e2e: {scenarios.Length} scenarios, {(quick ? "quick" : "full")} windows ({settings.Seconds} s, latency {settings.LatencySeconds} s, warm-up {settings.WarmupSeconds} s); load average {info.LoadBefore}");
        var results = new List<ScenarioResult>();
        var total = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (name, run) in scenarios.Where(s => only is null || only.Contains(s.Name)))
        {
            Console.WriteLine($"== {name}");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            ScenarioResult result;
            try
            {
                result = await run();
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception)
            {
                result = new ScenarioResult(name, "failed") { Status = "failed", Reason = ex.Message };
            }

            results.Add(result);
            Console.WriteLine(result.Status == "ok"
                ? $"   {result.RecordsPerSecond:N0} records/s, {result.MessagesPerSecond:N0} messages/s, p50 {result.P50Us} µs, p99 {result.P99Us} µs, missing {result.Missing:N0}"
                : $"   {result.Status}: {result.Reason}");
            Console.WriteLine($"   ({clock.Elapsed.TotalSeconds:F0} s)");
        }

        info.LoadAfter = ProcStat.LoadAverage();
        var verdicts = Targets.Check(results);
        string markdown = ResultWriter.Markdown(info, results, verdicts);
        Console.WriteLine();
        Console.WriteLine(markdown);
        await ResultWriter.WriteAsync(jsonPath, ResultWriter.Indented(ResultWriter.Json(info, results, verdicts)));
        await ResultWriter.WriteAsync(markdownPath, markdown);
        Console.WriteLine($"wrote {Path.GetFullPath(jsonPath)} and {Path.GetFullPath(markdownPath)} after {total.Elapsed.TotalSeconds:F0} s");
        return results.Any(r => r.Status == "failed") ? 1 : 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
