using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Interop;

/// <summary>A batch callback that decodes each batch by its kind and keeps copies of the records.</summary>
internal sealed class ReceivedByKind
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _wanted = int.MaxValue;
    private int _count;

    public List<(string Topic, ulong Sequence, Tick Record)> Ticks { get; } = [];

    public List<(string Topic, ulong Sequence, LogRecord Record)> Logs { get; } = [];

    public List<(string Topic, ulong Sequence, MetricSample Record)> Metrics { get; } = [];

    public List<(string Topic, string Kind, ulong Sequence, RawRecord Record)> Others { get; } = [];

    public void Add(in RecordBatch batch)
    {
        var h = batch.Header;
        lock (_gate)
        {
            ulong seq = h.FirstSequence;
            switch (h.Kind)
            {
                case "tick":
                    foreach (var r in batch.Records<Tick>()) { Ticks.Add((h.Topic, seq++, r)); }
                    break;
                case "log":
                    foreach (var r in batch.Records<LogRecord>()) { Logs.Add((h.Topic, seq++, r)); }
                    break;
                case "metric":
                    foreach (var r in batch.Records<MetricSample>()) { Metrics.Add((h.Topic, seq++, r)); }
                    break;
                default:
                    foreach (var r in batch.Records<RawRecord>()) { Others.Add((h.Topic, h.Kind, seq++, r)); }
                    break;
            }

            _count += h.Count;
            if (_count >= _wanted)
            {
                _reached.TrySetResult();
            }
        }
    }

    public async Task WaitForAsync(int records, ChildProcess peer)
    {
        lock (_gate)
        {
            _wanted = records;
            if (_count >= _wanted)
            {
                _reached.TrySetResult();
            }
        }

        try
        {
            await _reached.Task.WaitAsync(PeerWait.Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{_count} of {records} records arrived.\n{peer.Describe()}");
        }
    }
}
