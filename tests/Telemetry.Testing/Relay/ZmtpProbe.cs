using System.Diagnostics;
using System.Net.Sockets;

namespace Telemetry.Tests.Relay;

/// <summary>
/// Measures the round trip of a ZeroMQ link with the ZMTP greeting itself: a ZeroMQ peer sends its
/// 10-byte signature on connect and the next byte (its major version) only after it has read ours,
/// so the time from our signature to that byte is one round trip across everything in between.
/// </summary>
internal static class ZmtpProbe
{
    private static readonly byte[] Signature = [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F];

    public static async Task<TimeSpan> RoundTripAsync(System.Net.IPEndPoint endpoint)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint, timeout.Token);
        await ReceiveAsync(socket, Signature.Length, timeout.Token);
        var clock = Stopwatch.StartNew();
        await socket.SendAsync(Signature, SocketFlags.None, timeout.Token);
        await ReceiveAsync(socket, 1, timeout.Token);
        return clock.Elapsed;
    }

    private static async Task ReceiveAsync(Socket socket, int count, CancellationToken cancel)
    {
        byte[] buffer = new byte[count];
        for (int got = 0; got < count;)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, cancel);
            Assert.True(n > 0, "the peer closed during the greeting");
            got += n;
        }
    }
}
