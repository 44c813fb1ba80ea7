using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Telemetry.Cli.Output;

/// <summary>
/// One JSON object per line (<c>sub --json</c>). Field names are the wire names, which <c>pub</c>
/// reads back, so <c>sub --json | pub</c> round-trips. Prices and sizes are written as exact decimal
/// numbers from their mantissa and scale, never through a binary float.
/// </summary>
internal sealed class JsonRecordFormatter : BatchFormatter
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Lines go to terminals and pipes, not HTML: keep non-ASCII text readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly string[] LevelNames = Enum.GetNames<LogLevel>();

    // Indexed by value: the statuses are numbered 0, 1, 2 ... without holes.
    private static readonly string[] StatusNames = Enum.GetNames<TradingStatus>();

    // Lower case, as OpenTelemetry names its instruments (counter, updowncounter, ...); indexed by value.
    private static readonly string[] MetricTypeNames = [.. Enum.GetNames<MetricType>().Select(n => n.ToLowerInvariant())];

    private Utf8JsonWriter? _json;

    /// <inheritdoc />
    protected override void WriteTick(in BatchHeader header, ulong sequence, in Tick tick, IBufferWriter<byte> output)
    {
        var json = Begin(header, sequence, output);
        json.WriteNumber("exchange_ts_ns", tick.ExchangeTimeNs);
        json.WriteNumber("price", tick.PriceValue);
        json.WriteNumber("bid", tick.BidValue);
        json.WriteNumber("ask", tick.AskValue);
        json.WriteNumber("size", tick.SizeValue);
        json.WriteNumber("flags", (uint)tick.Flags);
        WriteOptional(json, "bid_size", tick.BidSizeValue);
        WriteOptional(json, "ask_size", tick.AskSizeValue);
        if (tick.Venue.IsUnknown)
        {
            json.WriteNull("venue");
        }
        else
        {
            json.WriteString("venue", tick.Venue.ToString());
        }

        // By name, as pub reads it; a number only for a status this build does not know.
        if (Enum.IsDefined(tick.Status))
        {
            json.WriteString("status", StatusNames[(int)tick.Status]);
        }
        else
        {
            json.WriteNumber("status", (byte)tick.Status);
        }

        End(json, output);
    }

    /// <inheritdoc />
    protected override void WriteLog(in BatchHeader header, ulong sequence, LogRecord log, IBufferWriter<byte> output)
    {
        var json = Begin(header, sequence, output);
        json.WriteNumber("timestamp_ns", log.TimestampNs);
        json.WriteString("level", LevelName(log.Level));
        json.WriteString("category", log.Category);
        json.WriteString("message", log.Message);
        json.WriteString("exception", log.Exception);
        WriteMap(json, "properties", log.Properties);
        End(json, output);
    }

    /// <inheritdoc />
    protected override void WriteMetric(in BatchHeader header, ulong sequence, in MetricSample sample, IBufferWriter<byte> output)
    {
        var json = Begin(header, sequence, output);
        json.WriteString("name", sample.Name);
        WriteMap(json, "labels", sample.Labels);
        if (double.IsFinite(sample.Value))
        {
            json.WriteNumber("value", sample.Value);
        }
        else
        {
            // JSON has no NaN or infinity; pub reads these strings back.
            json.WriteString("value", sample.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        json.WriteNumber("timestamp_ns", sample.TimestampNs);
        if (Enum.IsDefined(sample.Type))
        {
            json.WriteString("type", MetricTypeNames[(int)sample.Type]);
        }
        else
        {
            json.WriteNumber("type", (byte)sample.Type);
        }

        json.WriteString("unit", sample.Unit);
        End(json, output);
    }

    /// <inheritdoc />
    protected override void WriteGeneric(in BatchHeader header, ulong sequence, in GenericRecord record, IBufferWriter<byte> output)
    {
        var json = Begin(header, sequence, output);
        if (record.Json is not null)
        {
            // Already validated by GenericRecordJson.
            json.WritePropertyName("record");
            json.WriteRawValue(record.Json, skipInputValidation: true);
        }
        else
        {
            json.WriteNull("record");
            json.WriteString("record_error", record.Error);
            if (record.RawBase64 is not null)
            {
                json.WriteString("record_msgpack_base64", record.RawBase64);
            }
        }

        End(json, output);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _json?.Dispose();
        }

        base.Dispose(disposing);
    }

    private static string LevelName(LogLevel level) =>
        (uint)level < (uint)LevelNames.Length ? LevelNames[(int)level] : ((int)level).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteOptional(Utf8JsonWriter json, string name, decimal? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteMap(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    private Utf8JsonWriter Begin(in BatchHeader header, ulong sequence, IBufferWriter<byte> output)
    {
        // One writer reused for every line; Reset also points it at the (possibly new) output.
        if (_json is null)
        {
            _json = new Utf8JsonWriter(output, Options);
        }
        else
        {
            _json.Reset(output);
        }

        _json.WriteStartObject();
        _json.WriteString("topic", header.Topic);
        _json.WriteString("publisher", header.Publisher);
        _json.WriteNumber("session", header.Session);
        _json.WriteNumber("seq", sequence);
        _json.WriteString("kind", header.Kind);
        return _json;
    }

    private static void End(Utf8JsonWriter json, IBufferWriter<byte> output)
    {
        json.WriteEndObject();
        json.Flush();
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }
}
