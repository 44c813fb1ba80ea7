using System.Globalization;
using Microsoft.Extensions.Logging;
using OtelMetric = OpenTelemetry.Metrics.Metric;
using OtelMetricType = OpenTelemetry.Metrics.MetricType;

namespace Telemetry.OpenTelemetry;

/// <summary>
/// Publishes each collection of a MeterProvider as <see cref="MetricSample"/> records on
/// <c>metric.&lt;application&gt;.&lt;instrument&gt;</c>, one sample per metric point, cumulative
/// (docs/wire-format.md, section 5, says how each instrument kind is encoded).
/// </summary>
internal sealed class TelemetryMetricExporter : global::OpenTelemetry.BaseExporter<OtelMetric>
{
    private readonly TelemetryPublisher<MetricSample> _publisher;
    private readonly string _topicPrefix;
    private readonly string _host;

    public TelemetryMetricExporter(TelemetryExporterOptions options, ILogger? logger = null)
    {
        _publisher = new TelemetryPublisher<MetricSample>(options.ToPublisherOptions("metrics"), logger);
        _topicPrefix = $"metric.{options.TopicSegment}.";
        _host = options.Host;
    }

    /// <summary>Samples the publisher accepted, and those it dropped because its queue was full.</summary>
    internal PublisherStats GetStats() => _publisher.GetStats();

    public override global::OpenTelemetry.ExportResult Export(in global::OpenTelemetry.Batch<OtelMetric> batch)
    {
        // The publisher's own work must not be measured and exported in turn.
        using var scope = global::OpenTelemetry.SuppressInstrumentationScope.Begin();
        foreach (var metric in batch)
        {
            var topic = _publisher.Topic(_topicPrefix + metric.Name);
            var type = TypeOf(metric.MetricType);
            if (type == MetricType.Unknown)
            {
                continue; // exponential histograms: see the class summary in docs/wire-format.md
            }

            string? unit = string.IsNullOrEmpty(metric.Unit) ? null : metric.Unit;
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                long timeNs = UnixClock.ToUnixNs(point.EndTime);
                var labels = Labels(point);
                switch (metric.MetricType)
                {
                    case OtelMetricType.LongSum or OtelMetricType.LongSumNonMonotonic:
                        Publish(topic, new MetricSample(metric.Name, labels, point.GetSumLong(), timeNs, type, unit));
                        break;
                    case OtelMetricType.DoubleSum or OtelMetricType.DoubleSumNonMonotonic:
                        Publish(topic, new MetricSample(metric.Name, labels, point.GetSumDouble(), timeNs, type, unit));
                        break;
                    case OtelMetricType.LongGauge:
                        Publish(topic, new MetricSample(metric.Name, labels, point.GetGaugeLastValueLong(), timeNs, type, unit));
                        break;
                    case OtelMetricType.DoubleGauge:
                        Publish(topic, new MetricSample(metric.Name, labels, point.GetGaugeLastValueDouble(), timeNs, type, unit));
                        break;
                    case OtelMetricType.Histogram:
                        PublishHistogram(topic, metric.Name, point, labels, timeNs, unit);
                        break;
                }
            }
        }

        return global::OpenTelemetry.ExportResult.Success;
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        // Disposing sends what is queued, bounded by the publisher's linger.
        _publisher.Dispose();
        return true;
    }

    /// <summary>Prometheus's flattening: cumulative buckets with <c>le</c>, then count and sum.</summary>
    private void PublishHistogram(PublisherTopic topic, string name, in global::OpenTelemetry.Metrics.MetricPoint point, Dictionary<string, string> labels, long timeNs, string? unit)
    {
        long cumulative = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            var bucketLabels = new Dictionary<string, string>(labels, StringComparer.Ordinal)
            {
                ["le"] = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : bucket.ExplicitBound.ToString("R", CultureInfo.InvariantCulture),
            };
            Publish(topic, new MetricSample(name + "_bucket", bucketLabels, cumulative, timeNs, MetricType.Histogram, unit));
        }

        Publish(topic, new MetricSample(name + "_count", labels, point.GetHistogramCount(), timeNs, MetricType.Histogram, unit));
        Publish(topic, new MetricSample(name + "_sum", labels, point.GetHistogramSum(), timeNs, MetricType.Histogram, unit));
    }

    private void Publish(PublisherTopic topic, in MetricSample sample) => _publisher.Publish(topic, sample);

    /// <summary>The point's tags as text, then <c>host</c> unless an instrument's own tag says otherwise.</summary>
    private Dictionary<string, string> Labels(in global::OpenTelemetry.Metrics.MetricPoint point)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in point.Tags)
        {
            labels[tag.Key] = TagText.Of(tag.Value);
        }

        labels.TryAdd("host", _host);
        return labels;
    }

    private static MetricType TypeOf(OtelMetricType type) => type switch
    {
        OtelMetricType.LongSum or OtelMetricType.DoubleSum => MetricType.Counter,
        OtelMetricType.LongSumNonMonotonic or OtelMetricType.DoubleSumNonMonotonic => MetricType.UpDownCounter,
        OtelMetricType.LongGauge or OtelMetricType.DoubleGauge => MetricType.Gauge,
        OtelMetricType.Histogram => MetricType.Histogram,
        _ => MetricType.Unknown,
    };
}
