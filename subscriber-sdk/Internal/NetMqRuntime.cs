using NetMQ;

namespace Telemetry.Internal;

/// <summary>
/// Process-wide NetMQ settings the SDK relies on. NetMQ's default pool allocates a new array per
/// message; <see cref="MessageBufferPool"/> keeps the steady state free of per-message garbage on both sides.
/// </summary>
internal static class NetMqRuntime
{
    private static int _configured;

    /// <summary>The pool every NetMQ message buffer of this process comes from.</summary>
    public static MessageBufferPool Buffers { get; } = new();

    public static void EnsureConfigured()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 0)
        {
            BufferPool.SetCustomBufferPool(Buffers);
        }
    }

    /// <summary>Applies the heartbeat and reconnect settings every Telemetry socket uses.</summary>
    public static void ApplyLinkOptions(NetMQSocket socket, TimeSpan heartbeatInterval, TimeSpan heartbeatTimeout)
    {
        socket.Options.HeartbeatInterval = heartbeatInterval;
        socket.Options.HeartbeatTimeout = heartbeatTimeout;
        socket.Options.HeartbeatTtl = heartbeatTimeout;
        socket.Options.ReconnectInterval = TimeSpan.FromMilliseconds(100);
        socket.Options.ReconnectIntervalMax = TimeSpan.FromSeconds(2);
    }
}
