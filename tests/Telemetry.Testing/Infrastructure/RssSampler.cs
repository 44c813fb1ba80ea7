using System.Collections.Concurrent;

namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// Samples the RSS of named processes in the background, each sample tagged with the phase the test
/// says it is in, so a test can compare before, during and after a fault.
/// </summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, int> _pids;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile string _phase = "start";

    public RssSampler(IReadOnlyDictionary<string, int> pids, TimeSpan interval)
    {
        _pids = pids;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                SampleNow();
            }
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
        });
    }

    public ConcurrentQueue<(string Process, string Phase, long Bytes)> Samples { get; } = new();

    /// <summary>Samples taken from now on carry this phase.</summary>
    public string Phase
    {
        get => _phase;
        set
        {
            _phase = value;
            SampleNow();
        }
    }

    public long Max(string process, string phase) => Of(process, phase).DefaultIfEmpty().Max();

    public long Min(string process, string phase) => Of(process, phase).DefaultIfEmpty().Min();

    public IEnumerable<long> Of(string process, string phase) =>
        Samples.Where(s => s.Process == process && s.Phase == phase).Select(s => s.Bytes);

    public string Summary(params string[] phases) => string.Join("; ", _pids.Keys.Select(p =>
        $"{p} " + string.Join(", ", phases.Select(phase => $"{phase} {Min(p, phase) >> 20}..{Max(p, phase) >> 20} MB"))));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private void SampleNow()
    {
        string phase = _phase;
        foreach (var (name, pid) in _pids)
        {
            if (ProcessMemory.Rss(pid) is { } bytes)
            {
                Samples.Enqueue((name, phase, bytes));
            }
        }
    }
}
