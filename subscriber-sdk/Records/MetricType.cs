namespace Telemetry;

/// <summary>
/// The kind of instrument a metric sample comes from, as OpenTelemetry names them; it says how to
/// read the value. Values are cumulative, as Prometheus keeps them: a lost or late sample loses
/// nothing, and the latest sample alone is the current state.
/// </summary>
public enum MetricType : byte
{
    /// <summary>Not reported (a sample written before the field existed, or a hand-made one).</summary>
    Unknown = 0,

    /// <summary>A monotonic sum since the process started: chart its rate; a drop means the process restarted.</summary>
    Counter = 1,

    /// <summary>A value sampled now (a temperature, a queue depth): chart it as it is.</summary>
    Gauge = 2,

    /// <summary>A sum that goes up and down (items in a cache): chart it as it is.</summary>
    UpDownCounter = 3,

    /// <summary>
    /// One part of a histogram, flattened as Prometheus does: <c>NAME_bucket</c> with an <c>le</c>
    /// label (cumulative count at or below the bound, <c>+Inf</c> last), <c>NAME_count</c> and
    /// <c>NAME_sum</c>, all cumulative.
    /// </summary>
    Histogram = 4,
}
