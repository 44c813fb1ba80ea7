using Microsoft.Extensions.Logging;

namespace Telemetry.Hosting;

/// <summary>The hosts' own lifecycle events; method names are stable event names.</summary>
public static partial class HostLog
{
    [LoggerMessage(60, LogLevel.Information, "{Host} stopping")]
    public static partial void HostStopping(ILogger logger, string host);

    [LoggerMessage(61, LogLevel.Information, "{Host} stopped")]
    public static partial void HostStopped(ILogger logger, string host);
}
