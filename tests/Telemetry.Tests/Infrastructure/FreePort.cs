using System.Net;
using System.Net.Sockets;

namespace Telemetry.Tests.Infrastructure;

/// <summary>Free loopback TCP ports for processes that must be told their endpoint up front.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string TcpEndpoint() => $"tcp://127.0.0.1:{Next()}";

    /// <summary>
    /// A free port below the kernel's ephemeral range, for a process that is killed and started
    /// again on the same port: a port from <see cref="Next"/> is ephemeral, and while its owner is
    /// down any outgoing connection (reconnect attempts abound then) may take it as its local port.
    /// </summary>
    public static int NextStable()
    {
        int firstEphemeral = EphemeralRangeStart();
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int port = Random.Shared.Next(10_000, firstEphemeral);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken; try another
            }
        }

        return Next();
    }

    public static string StableTcpEndpoint() => $"tcp://127.0.0.1:{NextStable()}";

    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split('\t', ' ')[0], out int low) && low > 11_000 ? low : 32_768;
    }
}
