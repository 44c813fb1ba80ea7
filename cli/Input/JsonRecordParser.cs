using System.Buffers;
using System.Text.Json;
using MessagePack;

namespace Telemetry.Cli.Input;

/// <summary>
/// Reads one JSON line of <c>pub</c> input into an encoded record. Known kinds (tick, log, metric)
/// are built as their SDK type and written with its own <c>Write</c>, so the bytes are exactly what
/// a typed publisher would send; other kinds become a MessagePack map of their fields.
/// </summary>
internal sealed class JsonRecordParser(TimeProvider time)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>Parses a line. Throws <see cref="FormatException"/> or <see cref="JsonException"/> with a message for the user.</summary>
    public ParsedRecord Parse(string line)
    {
        using var document = JsonDocument.Parse(line, DocumentOptions);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a line must be one JSON object");
        }

        var fields = new JsonFields(document.RootElement.EnumerateObject());
        string topic = fields.String("topic");
        string kind = fields.String("kind");

        // Envelope fields as sub --json prints them: the publishing side assigns its own.
        fields.TryTake("publisher", out _);
        fields.TryTake("session", out _);
        fields.TryTake("seq", out _);

        _buffer.ResetWrittenCount();
        var writer = new MessagePackWriter(_buffer);
        switch (kind)
        {
            case "tick":
                fields.RequireOnly(kind, "exchange_ts_ns", "price", "bid", "ask", "size", "flags", "bid_size", "ask_size", "venue", "status");
                var tick = ReadTick(fields);
                Tick.Write(ref writer, tick);
                break;
            case "log":
                fields.RequireOnly(kind, "timestamp_ns", "level", "category", "message", "exception", "properties");
                var log = ReadLog(fields);
                LogRecord.Write(ref writer, log);
                break;
            case "metric":
                fields.RequireOnly(kind, "name", "labels", "value", "timestamp_ns", "type", "unit");
                var sample = ReadMetric(fields);
                MetricSample.Write(ref writer, sample);
                break;
            default:
                WriteGeneric(ref writer, fields);
                break;
        }

        writer.Flush();
        return new ParsedRecord(topic, kind, _buffer.WrittenSpan.ToArray());
    }

    private Tick ReadTick(JsonFields fields)
    {
        long exchangeTime = fields.Int64("exchange_ts_ns", NowUnixNs());
        decimal price = fields.Decimal("price");
        decimal bid = fields.Decimal("bid", 0m);
        decimal ask = fields.Decimal("ask", 0m);
        decimal size = fields.Decimal("size", 0m);
        var flags = fields.Flags("flags");
        decimal? bidSize = fields.OptionalDecimal("bid_size");
        decimal? askSize = fields.OptionalDecimal("ask_size");
        var venue = fields.Venue("venue");
        var status = fields.Status("status");

        // The scale is taken as written ("101.50" keeps two places), so sub | pub reproduces the
        // publisher's mantissas, not just equal values.
        byte priceScale = Math.Max(price.Scale, Math.Max(bid.Scale, ask.Scale));
        byte sizeScale = Math.Max(size.Scale, Math.Max(bidSize?.Scale ?? 0, askSize?.Scale ?? 0));
        try
        {
            return Tick.AtScales(exchangeTime, price, bid, ask, size, priceScale, sizeScale, flags, bidSize, askSize, venue, status);
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            throw new FormatException($"a tick's prices and sizes need at most {Decimal64.MaxScale} decimal places and a 64-bit mantissa ({ex.Message})", ex);
        }
    }

    private LogRecord ReadLog(JsonFields fields) => new(
        fields.Int64("timestamp_ns", NowUnixNs()),
        fields.Level("level"),
        fields.String("category", string.Empty),
        fields.String("message"),
        fields.OptionalString("exception"),
        fields.Map("properties"));

    private MetricSample ReadMetric(JsonFields fields)
    {
        string name = fields.String("name");
        var labels = fields.Map("labels");
        double value = fields.Double("value");
        long timestamp = fields.Int64("timestamp_ns", NowUnixNs());
        return new MetricSample(name, labels, value, timestamp, fields.MetricType("type"), fields.OptionalString("unit"));
    }

    private static void WriteGeneric(ref MessagePackWriter writer, JsonFields fields)
    {
        // sub --json prints an unknown kind's record under "record": a line with only that field
        // publishes the value itself, so unknown kinds round-trip too.
        if (fields.Count == 1 && fields.TryTake("record", out var record))
        {
            JsonToMessagePack.Write(ref writer, record);
            return;
        }

        writer.WriteMapHeader(fields.Count);
        foreach (var (name, value) in fields.Remaining)
        {
            writer.Write(name);
            JsonToMessagePack.Write(ref writer, value);
        }
    }

    private long NowUnixNs() => UnixClock.ToUnixNs(time.GetUtcNow());
}
