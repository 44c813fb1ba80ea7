using Microsoft.Extensions.Logging;

namespace Telemetry.Dashboard.Feed;

/// <summary>One received log record with where it came from.</summary>
/// <param name="Id">Position in the tail, increasing; the push loop sends entries above the last id it sent.</param>
/// <param name="Application">The application: the second segment of <c>log.&lt;application&gt;.&lt;Level&gt;</c>, or the publisher.</param>
/// <param name="Record">The record as received.</param>
internal sealed record LogEntry(long Id, string Application, LogRecord Record)
{
    public LogLevel Level => Record.Level;
}
