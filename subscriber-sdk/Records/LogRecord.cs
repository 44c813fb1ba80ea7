using MessagePack;
using Microsoft.Extensions.Logging;

namespace Telemetry;

/// <summary>
/// A structured log record. Wire form: <c>[timestamp_ns, level, category, message, exception, properties]</c>
/// where level follows <see cref="LogLevel"/> (0 = Trace … 5 = Critical), exception is a string or nil
/// and properties a map of string to string or nil.
/// </summary>
/// <param name="TimestampNs">When the record was logged, Unix time in nanoseconds.</param>
/// <param name="Level">Severity.</param>
/// <param name="Category">Logger category, usually a type name.</param>
/// <param name="Message">The rendered message.</param>
/// <param name="Exception">The exception text, if any.</param>
/// <param name="Properties">Structured properties, if any.</param>
public sealed record LogRecord(
    long TimestampNs,
    LogLevel Level,
    string Category,
    string Message,
    string? Exception = null,
    IReadOnlyDictionary<string, string>? Properties = null) : IRecord<LogRecord>
{
    private const int FieldCount = 6;

    /// <inheritdoc />
    public static string Kind => "log";

    /// <inheritdoc />
    public static void Write(ref MessagePackWriter writer, in LogRecord record)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(record.TimestampNs);
        writer.Write((byte)record.Level);
        writer.Write(record.Category);
        writer.Write(record.Message);
        writer.Write(record.Exception);
        StringMapFormat.Write(ref writer, record.Properties);
    }

    /// <inheritdoc />
    public static LogRecord Read(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        if (count < FieldCount)
        {
            throw new MessagePackSerializationException($"A log record has {FieldCount} fields, got {count}.");
        }

        long timestamp = reader.ReadInt64();
        byte level = reader.ReadByte();
        if (level > (byte)LogLevel.Critical)
        {
            throw new MessagePackSerializationException($"Log level {level} is out of range.");
        }

        var record = new LogRecord(
            timestamp,
            (LogLevel)level,
            reader.ReadString() ?? string.Empty,
            reader.ReadString() ?? string.Empty,
            reader.ReadString(),
            StringMapFormat.Read(ref reader));
        for (int i = FieldCount; i < count; i++)
        {
            Wire.BoundedSkip.Skip(ref reader);
        }

        return record;
    }
}
