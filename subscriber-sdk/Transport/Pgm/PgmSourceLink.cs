using System.Net;
using System.Net.Sockets;

namespace Telemetry.Transport.Pgm;

/// <summary>
/// What a PGM source's two threads share: the UDP socket toward the group and the send rate. The
/// data thread sends ODATA through it, the control thread SPMs, NCFs and RDATA, and reads NAKs.
/// </summary>
internal sealed class PgmSourceLink : IDisposable
{
    private readonly Socket _socket;
    private readonly IPEndPoint _group;
    private readonly RateLimiter _rate;
    private bool _stopped;

    public PgmSourceLink(PgmEndpoint endpoint, PgmOptions options)
    {
        _rate = new RateLimiter(options.RateBytesPerSecond);
        _group = new IPEndPoint(endpoint.Group, endpoint.Port);
        _socket = PgmSocket.Open(endpoint, options, receiveBuffer: false);
    }

    /// <summary>Datagrams waiting to be read (NAKs, SPMRs and everything else on the group's port).</summary>
    public int Available => _socket.Available;

    /// <summary>Waits for the rate to allow <paramref name="bytes"/> on the wire, then takes them; false once <see cref="StopWaiting"/> was called.</summary>
    public bool Take(int bytes) => _rate.Take(bytes + PgmWire.IpUdpOverhead, ref _stopped);

    /// <summary>Charges the rate for a packet sent without waiting (control packets: they must not queue behind data).</summary>
    public void Charge(int bytes) => _rate.Charge(bytes + PgmWire.IpUdpOverhead);

    /// <summary>Makes waits for the rate give up: the source is closing.</summary>
    public void StopWaiting() => Volatile.Write(ref _stopped, true);

    public void SendTo(ReadOnlySpan<byte> packet)
    {
        try
        {
            _socket.SendTo(packet, SocketFlags.None, _group);
        }
        catch (SocketException)
        {
            // Multicast is best effort: a full socket buffer or a route flap is a loss that NAKs repair.
        }
    }

    /// <summary>True when a datagram arrives within <paramref name="microseconds"/>.</summary>
    public bool Poll(int microseconds) => _socket.Poll(microseconds, SelectMode.SelectRead);

    public int ReceiveFrom(byte[] buffer, ref EndPoint from) => _socket.ReceiveFrom(buffer, ref from);

    public void Dispose() => _socket.Dispose();
}
