using Microsoft.Extensions.Logging;

namespace Telemetry.Internal;

/// <content>Snapshot service events. Floods are counted (<see cref="SnapshotStats"/>); only the first of each kind is logged.</content>
internal static partial class Log
{
    [LoggerMessage(50, LogLevel.Warning, "{Owner} received a malformed snapshot request; further ones are counted, not logged")]
    public static partial void SnapshotRequestMalformed(ILogger logger, string owner);

    [LoggerMessage(51, LogLevel.Warning, "{Owner} refused a snapshot request: {Reason}; further refusals are counted, not logged")]
    public static partial void SnapshotRequestsRefused(ILogger logger, string owner, string reason);
}
