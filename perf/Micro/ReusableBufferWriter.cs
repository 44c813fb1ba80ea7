using System.Buffers;

namespace Telemetry.Perf.Micro;

/// <summary>An <see cref="IBufferWriter{T}"/> over one array, reset between operations, so encoding benchmarks measure the codec and not buffer management.</summary>
internal sealed class ReusableBufferWriter(int capacity) : IBufferWriter<byte>
{
    private readonly byte[] _buffer = new byte[capacity];
    private int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public void Reset() => _written = 0;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(_written);
}
