using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Telemetry.Transport.Pgm;

/// <summary>
/// A parsed <c>epgm://interface;group:port</c> address, as libzmq writes it. The interface is an
/// IPv4 address of this host (what libzmq accepts reliably) or an interface name; the group is an
/// IPv4 multicast address; the UDP port carries data and NAKs alike.
/// </summary>
internal sealed record PgmEndpoint(IPAddress Interface, IPAddress Group, int Port)
{
    public const string Scheme = "epgm://";

    public static bool IsPgm(string endpoint) => endpoint.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Syntax only: no interface lookup, so options can be validated on any host.</summary>
    public static bool IsWellFormed(string endpoint) => TrySplit(endpoint, out _, out var group, out _) && group.IsIPv4Multicast();

    public static PgmEndpoint Parse(string endpoint)
    {
        if (!TrySplit(endpoint, out string iface, out var group, out int port) || !group.IsIPv4Multicast())
        {
            throw new ArgumentException($"'{endpoint}' is not epgm://<interface>;<IPv4 multicast group>:<port>.", nameof(endpoint));
        }

        return new PgmEndpoint(ResolveInterface(iface), group, port);
    }

    public override string ToString() => $"{Scheme}{Interface};{Group}:{Port}";

    private static bool TrySplit(string endpoint, out string iface, out IPAddress group, out int port)
    {
        iface = "";
        group = IPAddress.None;
        port = 0;
        if (!IsPgm(endpoint))
        {
            return false;
        }

        var rest = endpoint.AsSpan(Scheme.Length);
        int semicolon = rest.IndexOf(';');
        int colon = rest.LastIndexOf(':');
        if (semicolon <= 0 || colon <= semicolon + 1)
        {
            return false;
        }

        iface = rest[..semicolon].ToString();
        return IPAddress.TryParse(rest[(semicolon + 1)..colon], out group!)
            && group.AddressFamily == AddressFamily.InterNetwork
            && int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535;
    }

    private static IPAddress ResolveInterface(string iface)
    {
        if (IPAddress.TryParse(iface, out var address) && address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address;
        }

        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.Name == iface)
            {
                var v4 = nic.GetIPProperties().UnicastAddresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork);
                if (v4 is not null)
                {
                    return v4.Address;
                }
            }
        }

        throw new ArgumentException($"No IPv4 interface '{iface}' on this host.", nameof(iface));
    }
}

/// <summary>IPv4 helpers the PGM code needs.</summary>
internal static class PgmAddress
{
    public static bool IsIPv4Multicast(this IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && (address.GetAddressBytes()[0] & 0xF0) == 0xE0;

    public static uint ToUInt32(this IPAddress address) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    public static IPAddress FromUInt32(uint address)
    {
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return new IPAddress(bytes);
    }
}
