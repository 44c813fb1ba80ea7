using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Telemetry.Cli.Input;

/// <summary>
/// The fields of one input object, taken by name with the conversions <c>pub</c> accepts. A known
/// kind names its fields up front: a misspelt field is an error, not a silent default.
/// </summary>
internal sealed class JsonFields
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);

    public JsonFields(IEnumerable<JsonProperty> properties)
    {
        foreach (var property in properties)
        {
            if (!_fields.TryAdd(property.Name, property.Value))
            {
                throw new FormatException($"field '{property.Name}' appears twice");
            }
        }
    }

    public int Count => _fields.Count;

    public IEnumerable<KeyValuePair<string, JsonElement>> Remaining => _fields;

    /// <summary>Takes a field out; absent and null both give false.</summary>
    public bool TryTake(string name, out JsonElement value) =>
        _fields.Remove(name, out value) && value.ValueKind != JsonValueKind.Null;

    public string String(string name, string? fallback = null)
    {
        if (!TryTake(name, out var value))
        {
            return fallback ?? throw new FormatException($"'{name}' is required");
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Wrong(name, "a string");
    }

    public string? OptionalString(string name) => TryTake(name, out var value)
        ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw Wrong(name, "a string or null")
        : null;

    public long Int64(string name, long fallback) => !TryTake(name, out var value)
        ? fallback
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) ? number : throw Wrong(name, "an integer");

    /// <summary>An exact decimal: a JSON number (or a numeric string), never parsed through a double.</summary>
    public decimal Decimal(string name, decimal? fallback = null)
    {
        if (!TryTake(name, out var value))
        {
            return fallback ?? throw new FormatException($"'{name}' is required");
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDecimal(out decimal number) => number,
            JsonValueKind.String when decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal parsed) => parsed,
            _ => throw Wrong(name, "a decimal number"),
        };
    }

    public double Double(string name)
    {
        if (!TryTake(name, out var value))
        {
            throw new FormatException($"'{name}' is required");
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),

            // What sub --json prints for values JSON cannot hold.
            JsonValueKind.String when value.GetString() is "NaN" or "Infinity" or "-Infinity" => double.Parse(value.GetString()!, CultureInfo.InvariantCulture),
            _ => throw Wrong(name, "a number"),
        };
    }

    /// <summary>An exact decimal or nothing: absent and null give null.</summary>
    public decimal? OptionalDecimal(string name) => _fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null
        ? Decimal(name)
        : TakeNothing(name);

    /// <summary>A venue code such as <c>"XNAS"</c>; absent, null or empty give the unknown venue.</summary>
    public Venue Venue(string name)
    {
        string? code = OptionalString(name);
        try
        {
            return string.IsNullOrEmpty(code) ? default : new Venue(code);
        }
        catch (ArgumentException)
        {
            throw Wrong(name, $"a venue code of 1 to {Telemetry.Venue.MaxLength} printable ASCII characters such as \"XNAS\"");
        }
    }

    /// <summary>A trading status by name (as sub prints it) or number; absent or null give <see cref="TradingStatus.Unknown"/>.</summary>
    public TradingStatus Status(string name) =>
        ByteEnum(name, TradingStatus.Unknown, "a status name such as \"Trading\" or \"Halted\", or a number 0 to 255");

    /// <summary>A metric type by name (<c>counter</c>, as sub prints it, any case) or number; absent or null give <see cref="Telemetry.MetricType.Unknown"/>.</summary>
    public MetricType MetricType(string name) =>
        ByteEnum(name, Telemetry.MetricType.Unknown, "a metric type such as \"counter\", \"gauge\", \"updowncounter\" or \"histogram\", or a number 0 to 255");

    /// <summary>Tick flags as a number or as names, e.g. <c>"Trade|Simulated"</c>.</summary>
    public TickFlags Flags(string name)
    {
        if (!TryTake(name, out var value))
        {
            return TickFlags.None;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out uint bits))
        {
            return (TickFlags)bits;
        }

        string? text = value.ValueKind == JsonValueKind.String ? value.GetString()?.Replace('|', ',') : null;
        return text is not null && !text.Any(char.IsDigit) && Enum.TryParse(text, ignoreCase: true, out TickFlags flags)
            ? flags
            : throw Wrong(name, "a number or flag names such as \"Trade|Quote\"");
    }

    /// <summary>A log level by name (as sub prints it) or number.</summary>
    public LogLevel Level(string name)
    {
        if (!TryTake(name, out var value))
        {
            return LogLevel.Information;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number is >= 0 and <= (int)LogLevel.None)
        {
            return (LogLevel)number;
        }

        string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return text is not null && !text.Any(char.IsDigit) && Enum.TryParse(text, ignoreCase: true, out LogLevel level)
            ? level
            : throw Wrong(name, "a level name such as \"Error\" or a number 0 to 6");
    }

    /// <summary>A string map (log properties, metric labels); numbers and booleans are kept as their JSON text.</summary>
    public IReadOnlyDictionary<string, string>? Map(string name)
    {
        if (!TryTake(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Wrong(name, "an object of strings or null");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            map[entry.Name] = entry.Value.ValueKind switch
            {
                JsonValueKind.String => entry.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => entry.Value.GetRawText(),
                _ => throw Wrong($"{name}.{entry.Name}", "a string, number or boolean"),
            };
        }

        return map;
    }

    /// <summary>Fails if a field is not one of <paramref name="known"/>: checked first, so a misspelt field is named as such.</summary>
    public void RequireOnly(string kind, params ReadOnlySpan<string> known)
    {
        var unknown = new List<string>();
        foreach (var name in _fields.Keys)
        {
            if (!known.Contains(name))
            {
                unknown.Add($"'{name}'");
            }
        }

        if (unknown.Count > 0)
        {
            throw new FormatException($"unknown field(s) for kind '{kind}': {string.Join(", ", unknown)} (known: {string.Join(", ", known.ToArray())})");
        }
    }

    /// <summary>An enum carried as one byte on the wire, by name (any case) or by number: a number this build does not name is kept.</summary>
    private TEnum ByteEnum<TEnum>(string name, TEnum absent, string expected) where TEnum : struct, Enum
    {
        if (!TryTake(name, out var value))
        {
            return absent;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetByte(out byte number))
        {
            return (TEnum)Enum.ToObject(typeof(TEnum), number);
        }

        string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return text is not null && !text.Any(char.IsDigit) && Enum.TryParse(text, ignoreCase: true, out TEnum parsed)
            ? parsed
            : throw Wrong(name, expected);
    }

    private decimal? TakeNothing(string name)
    {
        _fields.Remove(name);
        return null;
    }

    private static FormatException Wrong(string name, string expected) => new($"'{name}' must be {expected}");
}
