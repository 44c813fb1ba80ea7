using System.Net;
using System.Net.Sockets;

namespace Telemetry.Transport.Pgm;

/// <summary>Opens the one UDP socket a PGM sender or receiver uses for everything: data, SPMs, NAKs and repairs.</summary>
internal static class PgmSocket
{
    // Linux: deliver only the groups this socket joined, not every group any socket on the host joined.
    private const int IpMulticastAll = 49;

    public static Socket Open(PgmEndpoint endpoint, PgmOptions options, bool receiveBuffer)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Several receivers and a sender may share a host and port, as with libzmq.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpMulticastAll, [0, 0, 0, 0]);
            }

            if (receiveBuffer)
            {
                socket.ReceiveBufferSize = options.ReceiveBufferBytes;
            }

            socket.SendBufferSize = Math.Max(socket.SendBufferSize, 4 << 20);
            socket.Bind(new IPEndPoint(IPAddress.Any, endpoint.Port));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(endpoint.Group, endpoint.Interface));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, endpoint.Interface.GetAddressBytes());
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, options.Hops);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, options.MulticastLoopback);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
