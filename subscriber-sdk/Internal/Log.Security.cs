using Microsoft.Extensions.Logging;

namespace Telemetry.Internal;

/// <content>Entitlement events.</content>
internal static partial class Log
{
    [LoggerMessage(40, LogLevel.Warning, "{Owner} refused a subscription to '{Prefix}' (subject {Subject}): {Reason}; {Total} refused so far")]
    public static partial void SubscriptionRefused(ILogger logger, string owner, string prefix, string subject, string reason, long total);

    [LoggerMessage(41, LogLevel.Warning, "{Owner} lost a subscription to '{Prefix}' (NetMQ had no pipe for it); {Total} lost so far")]
    public static partial void SubscriptionLost(ILogger logger, string owner, string prefix, long total);

    [LoggerMessage(42, LogLevel.Warning, "{Owner}: a departed-subscription notice came with a pipe; refusing subscriptions until the queue is empty")]
    public static partial void SubscriptionPairingLost(ILogger logger, string owner);

    [LoggerMessage(43, LogLevel.Warning, "{Owner} answered a snapshot request with nothing: {Reason}; {Total} refused so far")]
    public static partial void SnapshotRefused(ILogger logger, string owner, string reason, long total);
}
