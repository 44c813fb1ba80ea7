using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Telemetry.Perf.E2e;

/// <summary>
/// Runs one scenario's processes to the end of the subscribers' windows: samples every process in
/// /proc (CPU when the window opens and closes, peak RSS), prints progress once a second, fails
/// fast when a party dies, and kills every process it was given, whatever happens.
/// </summary>
internal sealed class ScenarioRun(string name, E2eSettings settings) : IDisposable
{
    private readonly List<PartyProcess> _parties = [];

    public IReadOnlyList<PartyProcess> Parties => _parties;

    public PartyProcess Add(PartyProcess party)
    {
        _parties.Add(party);
        return party;
    }

    /// <summary>Waits for a party's ready line (a publisher that has its subscribers, a subscribed NATS client).</summary>
    public async Task WaitReadyAsync(PartyProcess party, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!party.Ready)
        {
            ThrowIfFailed();
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{party.Label} not ready after {timeout.TotalSeconds:F0} s");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits for every subscriber's result; <paramref name="onWindow"/> runs every tick once a window is open, with its age in seconds.</summary>
    public async Task MeasureAsync(IReadOnlyList<PartyProcess> subscribers, Action<double>? onWindow = null)
    {
        var timeout = TimeSpan.FromSeconds(60 + settings.WarmupSeconds + Math.Max(settings.StallSeconds, settings.LatencySeconds) + 30);
        var clock = Stopwatch.StartNew();
        Stopwatch? window = null;
        double lastPrint = 0;
        while (subscribers.Any(s => s.Result is null))
        {
            await Task.Delay(100);
            ThrowIfFailed();
            foreach (var party in _parties)
            {
                party.Sample();
            }

            if (window is null && subscribers.Any(s => s.WindowStarted))
            {
                window = Stopwatch.StartNew();
                foreach (var party in _parties)
                {
                    party.CpuAtWindowStart = party.LastStat?.CpuSeconds;
                    party.ProgressAtWindowStart = party.Progress;
                }
            }

            if (window is not null)
            {
                onWindow?.Invoke(window.Elapsed.TotalSeconds);
            }

            if (clock.Elapsed.TotalSeconds - lastPrint >= 1)
            {
                lastPrint = clock.Elapsed.TotalSeconds;
                PrintProgress(subscribers, clock.Elapsed, window);
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"no result after {timeout.TotalSeconds:F0} s");
            }
        }

        foreach (var party in _parties)
        {
            party.Sample();
        }
    }

    /// <summary>CPU seconds over the window and peak RSS of every process, and the commands that started them.</summary>
    public void Describe(ScenarioResult result)
    {
        PublisherAllocations(result);
        foreach (var party in _parties)
        {
            var stat = party.LastStat;
            result.Processes.Add(new JsonObject
            {
                ["role"] = party.Label,
                ["pid"] = party.Pid,
                ["cpu_s"] = stat is { } s && party.CpuAtWindowStart is { } start ? Math.Round(s.CpuSeconds - start, 2) : null,
                ["peak_rss_mb"] = stat is { } r ? Math.Round(r.PeakRssMb, 1) : null,
            });
            result.Commands.Add(party.CommandLine);
        }
    }

    /// <summary>Bytes the publisher process allocated per record sent over the window, from its progress lines.</summary>
    private void PublisherAllocations(ScenarioResult result)
    {
        var publisher = _parties.FirstOrDefault(p => p.Label == "publisher");
        if (publisher?.ProgressAtWindowStart is { } start && publisher.Progress is { } end
            && Aggregate.Number(end, "sent") - Aggregate.Number(start, "sent") is > 0 and var sent
            && Aggregate.Number(end, "allocated_bytes") - Aggregate.Number(start, "allocated_bytes") is { } allocated)
        {
            result.Extra["pub_bytes_per_record"] = Math.Round(allocated / sent, 4);
        }
    }

    public void Dispose()
    {
        foreach (var party in _parties)
        {
            party.Dispose();
        }
    }

    private void ThrowIfFailed()
    {
        if (_parties.Select(p => p.Error).FirstOrDefault(e => e is not null) is { } error)
        {
            throw new InvalidOperationException(error);
        }
    }

    private void PrintProgress(IReadOnlyList<PartyProcess> subscribers, TimeSpan elapsed, Stopwatch? window)
    {
        var rates = subscribers.Select(s => s.Result is not null ? "done" : s.Progress?["records_per_s"]?.GetValue<double>() is { } r ? FormatRate(r) : "-");
        string phase = window is null ? "warming up" : $"measuring {window.Elapsed.TotalSeconds:F0} s";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{name}] {elapsed.TotalSeconds,4:F0} s  {phase,-14}  records/s per subscriber: {string.Join("  ", rates)}"));
    }

    private static string FormatRate(double rate) => rate switch
    {
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{rate / 1e6:F2}M"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{rate / 1e3:F1}k"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{rate:F0}"),
    };
}
