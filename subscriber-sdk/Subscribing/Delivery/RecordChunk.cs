using System.Buffers;

namespace Telemetry.Subscribing.Delivery;

/// <summary>A run of decoded records in a pooled array; the reader returns the array when done.</summary>
internal readonly record struct RecordChunk<T>(Received<T>[] Items, int Count)
{
    public static RecordChunk<T> Rent(int count) => new(ArrayPool<Received<T>>.Shared.Rent(count), count);

    public void Return() => ArrayPool<Received<T>>.Shared.Return(Items, System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>());
}
