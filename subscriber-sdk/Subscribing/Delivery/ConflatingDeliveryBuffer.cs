using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Telemetry.Subscribing.Delivery;

/// <summary>
/// Keeps only the latest record per topic until the reader takes it; the reader gets topics in the
/// order they first changed. Bounded by the number of topics: beyond capacity, new topics are dropped
/// and counted.
/// </summary>
internal sealed class ConflatingDeliveryBuffer<T>(int capacity) : DeliveryBuffer<T>(capacity)
{
    private readonly Dictionary<string, Received<T>> _latest = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public override int Buffered => _latest.Count;

    protected override bool Add(RecordChunk<T> chunk)
    {
        try
        {
            for (int i = 0; i < chunk.Count; i++)
            {
                ref readonly var record = ref chunk.Items[i];
                ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(_latest, record.Topic);
                if (!Unsafe.IsNullRef(ref slot))
                {
                    slot = record;
                    Conflated++;
                }
                else if (_latest.Count < Capacity)
                {
                    _latest.Add(record.Topic, record);
                    _order.Enqueue(record.Topic);
                }
                else
                {
                    Dropped++;
                }
            }

            return true;
        }
        finally
        {
            chunk.Return();
        }
    }

    protected override bool Take(out RecordChunk<T> chunk)
    {
        if (_order.Count == 0)
        {
            chunk = default;
            return false;
        }

        chunk = RecordChunk<T>.Rent(_order.Count);
        int n = 0;
        while (_order.TryDequeue(out var topic))
        {
            chunk.Items[n++] = _latest[topic];
            _latest.Remove(topic);
        }

        return true;
    }
}
