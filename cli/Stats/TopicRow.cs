namespace Telemetry.Cli.Stats;

/// <summary>One line of the <c>stat</c> table.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="RecordsPerSecond">Records received per second over the last interval.</param>
/// <param name="Total">Records received since start.</param>
/// <param name="Gaps">Gaps detected since start.</param>
/// <param name="Missing">Records reported missing since start (what no repair could fill).</param>
/// <param name="Repaired">Missing records that came back in repair answers since start.</param>
/// <param name="Resynced">Times the topic's latest value was lost beyond every window and came back from the snapshot service.</param>
/// <param name="Conflated">Records a node's conflated feed replaced by newer ones (<c>--conflate</c>): superseded, not lost.</param>
/// <param name="LatencyP50Us">Median of (receive time − send time) of the interval's batches, in µs; null without batches.</param>
/// <param name="LatencyP99Us">99th percentile of the same, in µs.</param>
/// <param name="Publishers">Distinct publishers seen on the topic.</param>
internal sealed record TopicRow(
    string Topic,
    double RecordsPerSecond,
    long Total,
    long Gaps,
    long Missing,
    long Repaired,
    long Resynced,
    long Conflated,
    long? LatencyP50Us,
    long? LatencyP99Us,
    int Publishers);
