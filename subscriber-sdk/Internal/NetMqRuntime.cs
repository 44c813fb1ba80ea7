using System.Buffers;
using NetMQ;

namespace Telemetry.Internal;

/// <summary>
/// Process-wide NetMQ settings the SDK relies on. NetMQ's default pool allocates a new array per
/// message; a shared ArrayPool keeps the steady state free of per-message garbage on both sides.
/// </summary>
internal static class NetMqRuntime
{
    private static int _configured;

    public static void EnsureConfigured()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 0)
        {
            BufferPool.SetCustomBufferPool(new SharedArrayBufferPool());
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

    private sealed class SharedArrayBufferPool : IBufferPool
    {
        public byte[] Take(int size) => ArrayPool<byte>.Shared.Rent(size);

        public void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

        public void Dispose()
        {
        }
    }
}
