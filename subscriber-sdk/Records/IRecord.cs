using MessagePack;

namespace Telemetry;

/// <summary>
/// A record type that can travel inside a Telemetry batch. Implemented with static members so the
/// publisher and subscriber call the codec without a virtual call per record.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IRecord<TSelf> where TSelf : IRecord<TSelf>
{
    /// <summary>The batch <c>kind</c> written on the wire for this record type (for example <c>"tick"</c>).</summary>
    static abstract string Kind { get; }

    /// <summary>Writes one record as one MessagePack value.</summary>
    static abstract void Write(ref MessagePackWriter writer, in TSelf record);

    /// <summary>Reads one record. Throws <see cref="MessagePackSerializationException"/> on malformed input.</summary>
    static abstract TSelf Read(ref MessagePackReader reader);

    /// <summary>
    /// An optional fast path: decodes the record at <paramref name="offset"/> straight from the span and
    /// advances the offset, or returns false (offset untouched) to fall back on <see cref="Read"/>.
    /// </summary>
    static virtual bool TryRead(ReadOnlySpan<byte> records, ref int offset, out TSelf record)
    {
        record = default!;
        return false;
    }
}
