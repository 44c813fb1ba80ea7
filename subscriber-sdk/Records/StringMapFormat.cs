using MessagePack;

namespace Telemetry;

/// <summary>Reads and writes the string-to-string maps used by log properties and metric labels.</summary>
internal static class StringMapFormat
{
    /// <summary>The largest map accepted from the network; larger ones are malformed input, not memory to spend.</summary>
    public const int MaxEntries = 1024;

    public static void Write(ref MessagePackWriter writer, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteMapHeader(map.Count);
        foreach (var (key, value) in map)
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    public static IReadOnlyDictionary<string, string>? Read(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        int count = reader.ReadMapHeader();
        if (count > MaxEntries)
        {
            throw new MessagePackSerializationException($"A map of {count} entries exceeds the limit of {MaxEntries}.");
        }

        var map = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = reader.ReadString() ?? throw new MessagePackSerializationException("A map key is nil.");
            map[key] = ReadScalarAsString(ref reader);
        }

        return map;
    }

    // Other producers (Python, Go) put numbers and booleans in property maps; keep them as text
    // rather than rejecting the whole record.
    private static string ReadScalarAsString(ref MessagePackReader reader) => reader.NextMessagePackType switch
    {
        MessagePackType.String => reader.ReadString() ?? string.Empty,
        MessagePackType.Nil => ReadNil(ref reader),
        MessagePackType.Boolean => reader.ReadBoolean() ? "true" : "false",
        MessagePackType.Integer => reader.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
        MessagePackType.Float => reader.ReadDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new MessagePackSerializationException($"A map value of type {reader.NextMessagePackType} is not a scalar."),
    };

    private static string ReadNil(ref MessagePackReader reader)
    {
        reader.ReadNil();
        return string.Empty;
    }
}
