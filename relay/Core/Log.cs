using Microsoft.Extensions.Logging;

namespace Telemetry.Relay;

/// <summary>The relay's log events.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Relay {Name} forwarding from {Upstream} to {Downstream}")]
    public static partial void RelayStarted(ILogger logger, string name, string upstream, string downstream);

    [LoggerMessage(101, LogLevel.Information, "Upstream {Address} connected")]
    public static partial void UpstreamConnected(ILogger logger, string address);

    [LoggerMessage(102, LogLevel.Warning, "Upstream {Address} disconnected; reconnecting")]
    public static partial void UpstreamDisconnected(ILogger logger, string address);
}
