using Microsoft.Extensions.Logging;

namespace Telemetry.Dashboard;

/// <summary>The dashboard's log events; method names are stable event names.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Dashboard on {Url} ({Mode}: {Endpoints}, prefixes {Prefixes})")]
    public static partial void DashboardStarted(ILogger logger, string url, string mode, string endpoints, string prefixes);

    [LoggerMessage(2, LogLevel.Information, "Demo topology: feed {Feed} and the log and metric publishers connected to collector {Collector} -> relay {Relay}")]
    public static partial void DemoStarted(ILogger logger, string feed, string collector, string relay);

    [LoggerMessage(3, LogLevel.Warning, "Pushing to the pages failed; the next push tries again")]
    public static partial void PushFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Dashboard stopping")]
    public static partial void DashboardStopping(ILogger logger);

    [LoggerMessage(5, LogLevel.Information, "Dashboard stopped")]
    public static partial void DashboardStopped(ILogger logger);
}
