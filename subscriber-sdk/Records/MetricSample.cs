using MessagePack;

namespace Telemetry;

/// <summary>
/// One sample of a metric. Wire form: <c>[name, labels, value, timestamp_ns, type, unit]</c> where
/// labels is a map of string to string or nil, value a 64-bit float (metrics are measurements, not
/// prices), type the instrument's kind and unit its unit (the last two came later in wire format v1:
/// a sample from an older publisher reads as <see cref="MetricType.Unknown"/> with no unit).
/// </summary>
/// <param name="Name">Metric name, e.g. <c>cpu_seconds_total</c>.</param>
/// <param name="Labels">Label pairs, if any.</param>
/// <param name="Value">The sampled value.</param>
/// <param name="TimestampNs">Sample time, Unix time in nanoseconds.</param>
/// <param name="Type">What kind of instrument the value comes from, which says how to chart it (a counter's rate, a gauge's value).</param>
/// <param name="Unit">The unit, as OpenTelemetry writes it (UCUM: <c>ms</c>, <c>By</c>, <c>{request}</c>), or null.</param>
public readonly record struct MetricSample(
    string Name,
    IReadOnlyDictionary<string, string>? Labels,
    double Value,
    long TimestampNs,
    MetricType Type = MetricType.Unknown,
    string? Unit = null) : IRecord<MetricSample>
{
    /// <summary>The fields of a sample before type and unit were added.</summary>
    private const int FirstFieldCount = 4;

    private const int FieldCount = 6;

    /// <summary>The longest unit accepted, in UTF-8 bytes.</summary>
    private const int MaxUnitBytes = 64;

    /// <inheritdoc />
    public static string Kind => "metric";

    /// <inheritdoc />
    public static void Write(ref MessagePackWriter writer, in MetricSample record)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(record.Name);
        StringMapFormat.Write(ref writer, record.Labels);
        writer.Write(record.Value);
        writer.Write(record.TimestampNs);
        writer.Write((byte)record.Type);
        writer.Write(record.Unit);
    }

    /// <inheritdoc />
    public static MetricSample Read(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        if (count < FirstFieldCount)
        {
            throw new MessagePackSerializationException($"A metric sample has at least {FirstFieldCount} fields, got {count}.");
        }

        var sample = new MetricSample(
            reader.ReadString() ?? throw new MessagePackSerializationException("A metric name is nil."),
            StringMapFormat.Read(ref reader),
            reader.ReadDouble(),
            reader.ReadInt64());
        int field = FirstFieldCount;
        if (field++ < count)
        {
            sample = sample with { Type = (MetricType)reader.ReadByte() };
        }

        if (field++ < count)
        {
            sample = sample with { Unit = ReadUnit(ref reader) };
        }

        for (; field < count; field++)
        {
            Wire.BoundedSkip.Skip(ref reader);
        }

        return sample;
    }

    private static string? ReadUnit(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        if (reader.NextMessagePackType != MessagePackType.String)
        {
            throw new MessagePackSerializationException($"A metric's unit is a string or nil, got {reader.NextMessagePackType}.");
        }

        var bytes = reader.ReadStringSequence() ?? default;
        return bytes.Length <= MaxUnitBytes
            ? System.Text.EncodingExtensions.GetString(System.Text.Encoding.UTF8, bytes)
            : throw new MessagePackSerializationException($"A metric's unit is at most {MaxUnitBytes} UTF-8 bytes, got {bytes.Length}.");
    }
}
