using Microsoft.Extensions.Logging;

namespace Telemetry.Internal;

/// <content>Gap repair events. Refusals are counted (<see cref="Distribution.RepairStats"/>); the first is logged, the rest at Debug.</content>
internal static partial class Log
{
    [LoggerMessage(70, LogLevel.Warning, "{Owner} refused a repair request for {Topic}: {Reason} ({Count} refused so far)")]
    public static partial void RepairRefused(ILogger logger, string owner, string topic, string reason, long count);

    [LoggerMessage(71, LogLevel.Information, "Repaired {Records} record(s) of {Topic} from {Publisher}")]
    public static partial void Repaired(ILogger logger, long records, string topic, string publisher);

    [LoggerMessage(72, LogLevel.Warning, "Repair of {Topic} from {Publisher} records {First}..{Last} failed ({Outcome}); reported as a gap")]
    public static partial void RepairFailed(ILogger logger, string topic, string publisher, ulong first, ulong last, string outcome);

    [LoggerMessage(76, LogLevel.Information, "Fell behind on {Topic}: prefix '{Prefix}' takes the conflated feed (latest values) for {Seconds} s")]
    public static partial void ConflationOn(ILogger logger, string topic, string prefix, int seconds);

    [LoggerMessage(77, LogLevel.Information, "Prefix '{Prefix}' takes every record again")]
    public static partial void ConflationOff(ILogger logger, string prefix);
}
