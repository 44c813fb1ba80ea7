using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Chaos;

/// <summary>
/// In-process SDK subscribers, each with its own prefixes and a <see cref="Collector{T}"/>, that
/// stamp the first batch they receive after a moment the test marks (a heal, a restart).
/// </summary>
internal sealed class SubscribersBelow : IAsyncDisposable
{
    private readonly List<TelemetrySubscriber> _subscribers = [];
    private long _markedAt;
    private long _firstAfterMark;

    /// <param name="endpoint">The relay to connect to.</param>
    /// <param name="prefixes">Each subscriber's prefixes.</param>
    /// <param name="repair">Their gap repair: held by default, so every record arrives in order.</param>
    public SubscribersBelow(string endpoint, IReadOnlyList<string[]> prefixes, GapRepair repair = GapRepair.Hold)
    {
        Prefixes = prefixes;
        foreach (var p in prefixes)
        {
            var collector = new Collector<Tick>();
            _subscribers.Add(collector.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = p, GapRepair = repair }), OnBatch));
            Collectors.Add(collector);
        }
    }

    public IReadOnlyList<string[]> Prefixes { get; }

    public List<Collector<Tick>> Collectors { get; } = [];

    public IReadOnlyList<TelemetrySubscriber> Subscribers => _subscribers;

    /// <summary>Every (subscriber index, topic) the subscribers asked for; the prefixes are whole topics here.</summary>
    public IEnumerable<(int Index, string Topic)> Topics => Prefixes.SelectMany((p, i) => p.Select(t => (i, t)));

    /// <summary>Time from the last <see cref="Mark"/> to the first batch any subscriber got after it; null if none yet.</summary>
    public TimeSpan? SinceMark =>
        Volatile.Read(ref _firstAfterMark) is var first and not 0 ? System.Diagnostics.Stopwatch.GetElapsedTime(_markedAt, first) : null;

    public void Mark()
    {
        Volatile.Write(ref _firstAfterMark, 0);
        Volatile.Write(ref _markedAt, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    public List<ulong> Sequences(int index, string topic) =>
        [.. Collectors[index].Records.Where(r => r.Topic == topic).Select(r => r.Sequence)];

    public ValueTask DisposeAsync()
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void OnBatch()
    {
        if (Volatile.Read(ref _markedAt) != 0)
        {
            Interlocked.CompareExchange(ref _firstAfterMark, System.Diagnostics.Stopwatch.GetTimestamp(), 0);
        }
    }
}
