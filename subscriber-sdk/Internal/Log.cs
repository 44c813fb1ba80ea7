using Microsoft.Extensions.Logging;

namespace Telemetry.Internal;

/// <summary>The SDK's log events; method names are stable event names.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Publisher {Publisher} session {Session} started on {Endpoints}")]
    public static partial void PublisherStarted(ILogger logger, string publisher, ulong session, string endpoints);

    [LoggerMessage(2, LogLevel.Information, "Publisher {Publisher} stopped after {Sent} records in {Batches} batches")]
    public static partial void PublisherStopped(ILogger logger, string publisher, long sent, long batches);

    [LoggerMessage(3, LogLevel.Debug, "Subscription {Action} '{Prefix}'")]
    public static partial void SubscriptionChanged(ILogger logger, string action, string prefix);

    [LoggerMessage(4, LogLevel.Error, "Sender thread of {Publisher} failed")]
    public static partial void SenderFailed(ILogger logger, Exception exception, string publisher);

    [LoggerMessage(10, LogLevel.Information, "Subscriber connected to {Endpoints}, prefixes {Prefixes}")]
    public static partial void SubscriberStarted(ILogger logger, string endpoints, string prefixes);

    [LoggerMessage(11, LogLevel.Warning, "Gap on {Topic} from {Publisher}: records {From}..{To} missing")]
    public static partial void GapDetected(ILogger logger, string topic, string publisher, ulong from, ulong to);

    [LoggerMessage(12, LogLevel.Information, "Publisher {Publisher} restarted on {Topic}: session {OldSession} -> {NewSession}")]
    public static partial void PublisherRestarted(ILogger logger, string publisher, string topic, ulong oldSession, ulong newSession);

    [LoggerMessage(13, LogLevel.Warning, "{Owner} dropped a malformed message ({Reason}); further ones of this kind are counted, not logged")]
    public static partial void MalformedMessage(ILogger logger, string owner, DecodeError reason);

    [LoggerMessage(14, LogLevel.Error, "The batch handler threw; the batch was skipped")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Tracking limit of {Limit} streams reached; further streams are delivered without gap detection")]
    public static partial void StreamLimitReached(ILogger logger, int limit);

    [LoggerMessage(17, LogLevel.Warning, "A snapshot was abandoned: {Remaining} service(s) did not answer in time")]
    public static partial void SnapshotTimedOut(ILogger logger, int remaining);

    [LoggerMessage(16, LogLevel.Error, "Receive loop failed")]
    public static partial void ReceiveFailed(ILogger logger, Exception exception);
}
