using System.Globalization;
using Microsoft.Extensions.Logging;
using OtelLogRecord = OpenTelemetry.Logs.LogRecord;

namespace Telemetry.OpenTelemetry;

/// <summary>
/// Publishes OpenTelemetry log records as Telemetry <see cref="LogRecord"/>s on
/// <c>log.&lt;application&gt;.&lt;Level&gt;</c>, the topics the sink and the dashboard's log tail read.
/// Properties: the record's attributes (the message template as <c>template</c>), <c>host</c>, the
/// event id as <c>eventId</c>, and <c>trace_id</c> and <c>span_id</c> when the record was logged
/// inside an activity.
/// </summary>
internal sealed class TelemetryLogExporter : global::OpenTelemetry.BaseExporter<OtelLogRecord>
{
    private const string OriginalFormat = "{OriginalFormat}";

    // The wire format's limit on a map (docs/wire-format.md), less room for the fields added below.
    private const int MaxAttributes = 1024 - 4;

    private readonly TelemetryPublisher<LogRecord> _publisher;
    private readonly PublisherTopic[] _topics;
    private readonly string _host;

    public TelemetryLogExporter(TelemetryExporterOptions options, ILogger? logger = null)
    {
        _publisher = new TelemetryPublisher<LogRecord>(options.ToPublisherOptions("logs"), logger);
        _topics = [.. Enum.GetValues<LogLevel>().Where(l => l != LogLevel.None).Select(l => _publisher.Topic($"log.{options.TopicSegment}.{l}"))];
        _host = options.Host;
    }

    /// <summary>Records the publisher accepted, and those it dropped because its queue was full.</summary>
    internal PublisherStats GetStats() => _publisher.GetStats();

    public override global::OpenTelemetry.ExportResult Export(in global::OpenTelemetry.Batch<OtelLogRecord> batch)
    {
        using var scope = global::OpenTelemetry.SuppressInstrumentationScope.Begin();
        foreach (var record in batch)
        {
            var level = LevelOf(record);
            var log = new LogRecord(
                UnixClock.ToUnixNs(new DateTimeOffset(record.Timestamp.ToUniversalTime())),
                level,
                record.CategoryName ?? string.Empty,
                record.FormattedMessage ?? record.Body ?? string.Empty,
                record.Exception?.ToString(),
                Properties(record));
            _publisher.Publish(_topics[(int)level], log);
        }

        return global::OpenTelemetry.ExportResult.Success;
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        _publisher.Dispose();
        return true;
    }

    private Dictionary<string, string> Properties(OtelLogRecord record)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (record.Attributes is { } attributes)
        {
            foreach (var (key, value) in attributes)
            {
                if (properties.Count >= MaxAttributes)
                {
                    break;
                }

                properties[key == OriginalFormat ? "template" : key] = TagText.Of(value);
            }
        }

        properties.TryAdd("host", _host);
        if (record.EventId.Id != 0 || record.EventId.Name is not null)
        {
            properties["eventId"] = record.EventId.Name ?? record.EventId.Id.ToString(CultureInfo.InvariantCulture);
        }

        if (record.TraceId != default)
        {
            properties["trace_id"] = record.TraceId.ToHexString();
            properties["span_id"] = record.SpanId.ToHexString();
        }

        return properties;
    }

    private static LogLevel LevelOf(OtelLogRecord record) => record.LogLevel is >= LogLevel.Trace and <= LogLevel.Critical ? record.LogLevel : LogLevel.Information;
}
