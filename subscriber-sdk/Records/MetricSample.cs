using MessagePack;

namespace Telemetry;

/// <summary>
/// One sample of a metric. Wire form: <c>[name, labels, value, timestamp_ns]</c> where labels is a
/// map of string to string or nil and value a 64-bit float (metrics are measurements, not prices).
/// </summary>
/// <param name="Name">Metric name, e.g. <c>cpu_seconds_total</c>.</param>
/// <param name="Labels">Label pairs, if any.</param>
/// <param name="Value">The sampled value.</param>
/// <param name="TimestampNs">Sample time, Unix time in nanoseconds.</param>
public readonly record struct MetricSample(
    string Name,
    IReadOnlyDictionary<string, string>? Labels,
    double Value,
    long TimestampNs) : IRecord<MetricSample>
{
    private const int FieldCount = 4;

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
    }

    /// <inheritdoc />
    public static MetricSample Read(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        if (count < FieldCount)
        {
            throw new MessagePackSerializationException($"A metric sample has {FieldCount} fields, got {count}.");
        }

        var sample = new MetricSample(
            reader.ReadString() ?? throw new MessagePackSerializationException("A metric name is nil."),
            StringMapFormat.Read(ref reader),
            reader.ReadDouble(),
            reader.ReadInt64());
        for (int i = FieldCount; i < count; i++)
        {
            Wire.BoundedSkip.Skip(ref reader);
        }

        return sample;
    }
}
