using System.Globalization;
using System.Text.Json.Nodes;

namespace Telemetry.Perf.E2e;

/// <summary>The scenarios over Telemetry itself: every party is a process of its own on loopback TCP.</summary>
internal sealed class TelemetryScenarios(E2eSettings settings, Launcher launcher)
{
    /// <summary>One publisher, one topic, to <paramref name="subscribers"/> subscriber processes, flat out or paced.</summary>
    /// <param name="rate">Records/s the publisher is paced at; 0 is flat out.</param>
    /// <param name="windowBytes">The publisher's retransmission window; null keeps the default (256 MiB), 0 turns it off.</param>
    public async Task<ScenarioResult> ThroughputAsync(string name, string description, int subscribers, bool viaRelay, double rate = 0, long? windowBytes = null)
    {
        var result = new ScenarioResult(name, description);
        using var run = new ScenarioRun(name, settings);
        string origin = FreePort.Endpoint(FreePort.Next());
        string endpoint = viaRelay ? FreePort.Endpoint(FreePort.Next()) : origin;
        string[] window = windowBytes is { } bytes ? ["--window-bytes", Count(bytes)] : [];
        run.Add(launcher.Worker("publisher", "pub", ["--bind", origin, "--rate", Launcher.Text(rate), "--wait-subs", Count(viaRelay ? 1 : subscribers), .. window]));
        if (viaRelay)
        {
            run.Add(launcher.Relay(origin, endpoint));
        }

        var subs = Enumerable.Range(0, subscribers)
            .Select(i => run.Add(launcher.Worker(subscribers == 1 ? "subscriber" : $"subscriber{i + 1}", "sub", ["--connect", endpoint, .. launcher.Window()])))
            .ToList();
        await run.MeasureAsync(subs);
        Aggregate.Subscribers(result, [.. subs.Select(s => s.Result!)]);
        if (rate > 0)
        {
            result.Extra["offered_records_per_s"] = rate;
        }

        run.Describe(result);
        return result;
    }

    /// <summary>Paced at <paramref name="rate"/> records/s: one-way latency with the correction for coordinated omission.</summary>
    public async Task<ScenarioResult> LatencyAsync(string name, int rate)
    {
        var result = new ScenarioResult(name, $"publisher -> subscriber, one topic paced at {rate:N0} records/s; one-way latency, CO-corrected");
        using var run = new ScenarioRun(result.Name, settings);
        string endpoint = FreePort.Endpoint(FreePort.Next());
        run.Add(launcher.Worker("publisher", "pub", "--bind", endpoint, "--rate", Count(rate)));
        var sub = run.Add(launcher.Worker("subscriber", "sub", ["--connect", endpoint, "--latency", "all", "--expected-interval-ns", Count(1_000_000_000 / rate), .. launcher.Window(settings.LatencySeconds)]));
        await run.MeasureAsync([sub]);
        Aggregate.Subscribers(result, [sub.Result!]);
        run.Describe(result);
        return result;
    }

    /// <summary>Raw NetMQ at <paramref name="rate"/> messages/s, one 32-byte record each: the floor our transport sets, CO-corrected like ours.</summary>
    public async Task<ScenarioResult> NetMqLatencyAsync(string name, int rate)
    {
        var result = new ScenarioResult(name, $"raw NetMQ PUB -> SUB, one 32-byte record per message paced at {rate:N0}/s; one-way latency, CO-corrected (the transport's floor)");
        using var run = new ScenarioRun(result.Name, settings);
        string endpoint = FreePort.Endpoint(FreePort.Next());
        run.Add(launcher.Worker("netmq-publisher", "netmq-pub", "--bind", endpoint, "--rate", Count(rate)));
        var sub = run.Add(launcher.Worker("netmq-subscriber", "netmq-sub", ["--connect", endpoint, "--expected-interval-ns", Count(1_000_000_000 / rate), .. launcher.Window(settings.LatencySeconds)]));
        await run.MeasureAsync([sub]);
        Aggregate.Subscribers(result, [sub.Result!]);
        run.Describe(result);
        return result;
    }

    /// <summary>
    /// One topic paced at 1,000,000 records/s to one subscriber, the publisher's retransmission window
    /// at its default (256 MiB, 30 s) or off: what keeping every batch for repairs costs the
    /// publisher in CPU and memory (its peak RSS is the window's memory at the defaults).
    /// </summary>
    public async Task<ScenarioResult> WindowCostAsync(string name, bool window)
    {
        const int rate = 1_000_000;
        var result = new ScenarioResult(name, $"publisher -> subscriber, one topic paced at 1,000,000 records/s, retransmission window {(window ? "on (default 256 MiB / 30 s)" : "off (--window-bytes 0)")}; compare the publisher's CPU and peak RSS with the other window_* row");
        using var run = new ScenarioRun(result.Name, settings);
        string endpoint = FreePort.Endpoint(FreePort.Next());
        run.Add(launcher.Worker("publisher", "pub", ["--bind", endpoint, "--rate", Count(rate), .. window ? Array.Empty<string>() : ["--window-bytes", "0"]]));
        var sub = run.Add(launcher.Worker("subscriber", "sub", ["--connect", endpoint, .. launcher.Window()]));
        await run.MeasureAsync([sub]);
        Aggregate.Subscribers(result, [sub.Result!]);
        result.Extra["offered_records_per_s"] = rate;
        run.Describe(result);
        return result;
    }

    /// <summary>1,000 topics with Zipf (s = 1) rates, 1,000,000 records/s in total: sustained without loss?</summary>
    public async Task<ScenarioResult> ZipfAsync()
    {
        const int rate = 1_000_000;
        var result = new ScenarioResult("zipf1000", "1,000 topics, Zipf(s=1) rates, 1,000,000 records/s offered in total; loss, batch sizes, latency (not CO-corrected: rates differ per topic)");
        using var run = new ScenarioRun(result.Name, settings);
        string endpoint = FreePort.Endpoint(FreePort.Next());
        run.Add(launcher.Worker("publisher", "pub", "--bind", endpoint, "--rate", Count(rate), "--topics", "1000", "--zipf", "1"));
        var sub = run.Add(launcher.Worker("subscriber", "sub", ["--connect", endpoint, "--latency", "all", .. launcher.Window()]));
        await run.MeasureAsync([sub]);
        Aggregate.Subscribers(result, [sub.Result!]);
        result.Extra["offered_records_per_s"] = rate;
        run.Describe(result);
        return result;
    }

    /// <summary>
    /// Four subscribers of a publisher paced at 250,000 records/s (well within what this machine delivers even when busy); halfway through the window the
    /// fourth is frozen with SIGSTOP. The figure is the three others' rate after the stall over their
    /// rate before it. Paced, not flat out: on two cores a flat-out run is CPU-bound, and a frozen
    /// process hands its CPU to the others, which hides what the stall itself costs them.
    /// </summary>
    public async Task<ScenarioResult> StalledSubscriberAsync()
    {
        const int rate = 250_000;
        var result = new ScenarioResult("stalled_subscriber", "publisher paced at 250,000 records/s -> 4 subscribers; the 4th is frozen (SIGSTOP) halfway; the other 3's throughput after vs before");
        using var run = new ScenarioRun(result.Name, settings);
        string endpoint = FreePort.Endpoint(FreePort.Next());
        run.Add(launcher.Worker("publisher", "pub", "--bind", endpoint, "--rate", Count(rate), "--wait-subs", "4"));
        var healthy = Enumerable.Range(1, 3).Select(i => run.Add(launcher.Worker($"subscriber{i}", "sub", ["--connect", endpoint, .. launcher.Window(settings.StallSeconds)]))).ToList();
        var stalled = run.Add(launcher.Worker("subscriber4 (stalled)", "sub", ["--connect", endpoint, .. launcher.Window(settings.StallSeconds)]));
        int stallSecond = (int)(settings.StallSeconds / 2);
        bool frozen = false;
        await run.MeasureAsync(healthy, age =>
        {
            if (!frozen && age >= stallSecond)
            {
                frozen = true;
                stalled.Signal("STOP");
                Console.WriteLine($"  [{result.Name}] subscriber4 frozen with SIGSTOP");
            }
        });

        var lines = healthy.Select(s => s.Result!).ToList();
        Aggregate.Subscribers(result, lines);

        // Per-second counts of each healthy subscriber; the first second (a window edge) and the
        // second in which the stall happens are left out.
        double before = 0, after = 0;
        foreach (var line in lines)
        {
            var perSecond = line["per_second"]!.AsArray().Select(v => v!.GetValue<double>()).ToList();
            before += perSecond.Skip(1).Take(stallSecond - 1).DefaultIfEmpty(0).Average();
            after += perSecond.Skip(stallSecond + 1).Take((int)settings.StallSeconds - stallSecond - 1).DefaultIfEmpty(0).Average();
        }

        result.Extra["others_records_per_s_before"] = Math.Round(before);
        result.Extra["others_records_per_s_after"] = Math.Round(after);
        result.Extra["others_ratio"] = before > 0 ? Math.Round(after / before, 3) : null;
        result.Extra["offered_records_per_s"] = rate;

        // Whether the others still got everything published after the stall, whatever they got before.
        result.Extra["others_after_vs_offered"] = Math.Round(after / (3.0 * rate), 3);
        run.Describe(result);
        return result;
    }

    /// <summary>
    /// One relay to 100 subscriber connections held by one process, the publisher paced at
    /// <paramref name="rate"/> records/s: each subscriber's rate and the relay's CPU per delivered record.
    /// </summary>
    public async Task<ScenarioResult> Fanout100Async(int rate)
    {
        const int connections = 100;
        var result = new ScenarioResult("fanout100_relay", $"publisher paced at {rate:N0} records/s -> relay host -> 100 subscriber connections in one process; records/s is the total delivered");
        using var run = new ScenarioRun(result.Name, settings);
        string origin = FreePort.Endpoint(FreePort.Next());
        string endpoint = FreePort.Endpoint(FreePort.Next());
        run.Add(launcher.Worker("publisher", "pub", "--bind", origin, "--rate", Count(rate), "--wait-subs", "1"));
        var relay = run.Add(launcher.Relay(origin, endpoint));
        var subs = run.Add(launcher.Worker("subscribers", "multi-sub", ["--connect", endpoint, "--connections", Count(connections), .. launcher.Window()]));
        await run.MeasureAsync([subs]);
        Fanout.Describe(result, run, subs.Result!, relay.Label, rate);
        return result;
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);
}
