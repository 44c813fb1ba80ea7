using System.Buffers;
using MessagePack;

namespace Telemetry;

/// <summary>
/// A record that is already one encoded MessagePack value, for tools that publish or relay records
/// of any kind without knowing their type (the CLI's <c>pub</c>). The batch kind comes from the topic.
/// </summary>
/// <param name="MessagePack">Exactly one MessagePack value.</param>
public readonly record struct RawRecord(ReadOnlyMemory<byte> MessagePack) : IRecord<RawRecord>
{
    /// <inheritdoc />
    public static string Kind => "raw";

    /// <inheritdoc />
    public static void Write(ref MessagePackWriter writer, in RawRecord record) => writer.WriteRaw(record.MessagePack.Span);

    /// <inheritdoc />
    public static RawRecord Read(ref MessagePackReader reader) => new(Wire.BoundedSkip.ReadRaw(ref reader).ToArray());
}
