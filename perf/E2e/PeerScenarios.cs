using System.Globalization;
using Telemetry.Perf.Workers;

namespace Telemetry.Perf.E2e;

/// <summary>The same loads over libzmq (C, PUB/SUB) and NATS (nats-server, NATS.Net), measured in the same run.</summary>
internal sealed class PeerScenarios(E2eSettings settings, Launcher launcher)
{
    private string? _zmq;
    private string? _zmqUnavailable;
    private bool _zmqChecked;

    /// <summary>libzmq PUB -> SUB, 32-byte messages; flat out (rate 0) for throughput, or paced for latency.</summary>
    /// <param name="capacity">Paced without latencies, the PUB dropping at its high-water mark as ours does (the capacity probes); otherwise it waits there.</param>
    public async Task<ScenarioResult> LibzmqAsync(string name, string description, double rate, bool capacity = false)
    {
        if (Zmq() is not { } binary)
        {
            return ScenarioResult.Skipped(name, description, _zmqUnavailable!);
        }

        var result = new ScenarioResult(name, description);
        using var run = new ScenarioRun(name, settings);
        string endpoint = FreePort.Endpoint(FreePort.Next());
        string? latencyFile = rate > 0 && !capacity ? Path.Combine(Path.GetTempPath(), $"telemetry-perf-zmq-{Environment.ProcessId}.lat") : null;
        double seconds = latencyFile is not null ? settings.LatencySeconds : settings.Seconds;
        run.Add(PartyProcess.Start("zmq-publisher", binary, ["pub", endpoint, Text(rate), .. capacity ? ["drop"] : Array.Empty<string>()]));
        var sub = run.Add(PartyProcess.Start("zmq-subscriber", binary, ["sub", endpoint, Text(settings.WarmupSeconds), Text(seconds), .. latencyFile is null ? Array.Empty<string>() : [latencyFile]]));
        try
        {
            await run.MeasureAsync([sub]);
            var line = sub.Result!;
            if (latencyFile is not null)
            {
                // The C peer writes raw latencies; the histogram and its correction are the same code as for Telemetry.
                var recorder = new LatencyRecorder((long)(1_000_000_000L / rate));
                var bytes = await File.ReadAllBytesAsync(latencyFile);
                foreach (long value in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes))
                {
                    recorder.Record(value);
                }

                recorder.AddTo(line);
            }

            Aggregate.Subscribers(result, [line]);
            if (capacity)
            {
                result.Extra["offered_records_per_s"] = rate;
            }

            run.Describe(result);
            return result;
        }
        finally
        {
            if (latencyFile is not null)
            {
                File.Delete(latencyFile);
            }
        }
    }

    /// <summary>libzmq's own relay: the C PUB paced at <paramref name="rate"/> -> zmq_proxy -> 100 SUB sockets in one process.</summary>
    public async Task<ScenarioResult> LibzmqFanout100Async(int rate)
    {
        const string name = "libzmq_fanout100_proxy";
        string description = $"libzmq PUB paced at {rate:N0} messages/s (one record each, dropping at the high-water mark) -> zmq_proxy (XSUB/XPUB) -> 100 SUB sockets in one process; records/s is the total delivered";
        if (Zmq() is not { } binary)
        {
            return ScenarioResult.Skipped(name, description, _zmqUnavailable!);
        }

        var result = new ScenarioResult(name, description);
        using var run = new ScenarioRun(name, settings);
        string origin = FreePort.Endpoint(FreePort.Next());
        string endpoint = FreePort.Endpoint(FreePort.Next());
        run.Add(PartyProcess.Start("zmq-publisher", binary, ["pub", origin, Text(rate), "drop"]));
        var proxy = run.Add(PartyProcess.Start("zmq-proxy", binary, ["proxy", origin, endpoint]));
        var subs = run.Add(PartyProcess.Start("zmq-subscribers", binary, ["subs", endpoint, "100", Text(settings.WarmupSeconds), Text(settings.Seconds)]));
        await run.MeasureAsync([subs]);
        Fanout.Describe(result, run, subs.Result!, proxy.Label, rate);
        return result;
    }

    /// <summary>NATS.Net publisher -> nats-server -> NATS.Net subscriber, 32-byte messages flat out.</summary>
    public async Task<ScenarioResult> NatsAsync()
    {
        const string name = "nats_pubsub";
        const string description = "NATS.Net publisher -> nats-server -> NATS.Net subscriber, 32-byte messages flat out";
        if (NatsServer.Unavailable() is { } reason)
        {
            return ScenarioResult.Skipped(name, description, reason);
        }

        var result = new ScenarioResult(name, description);
        using var run = new ScenarioRun(name, settings);
        var (_, url) = await NatsServer.StartAsync(run);
        var sub = run.Add(launcher.Worker("nats-subscriber", "nats-sub", ["--url", url, "--latency", "all", .. launcher.Window()]));
        await run.WaitReadyAsync(sub, TimeSpan.FromSeconds(30));
        run.Add(launcher.Worker("nats-publisher", "nats-pub", "--url", url, "--rate", "0"));
        await run.MeasureAsync([sub]);
        Aggregate.Subscribers(result, [sub.Result!]);
        run.Describe(result);
        return result;
    }

    private string? Zmq()
    {
        if (!_zmqChecked)
        {
            _zmqChecked = true;
            _zmq = ZmqPeer.Build(out _zmqUnavailable);
        }

        return _zmq;
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
