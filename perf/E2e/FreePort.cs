using System.Net;
using System.Net.Sockets;

namespace Telemetry.Perf.E2e;

/// <summary>Free loopback TCP ports for the parties of a scenario.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port whose successor is free too: publishers and relays put their snapshot service on port + 1.</summary>
    public static int WithSnapshotPort()
    {
        while (true)
        {
            int port = Next();
            try
            {
                using var next = new TcpListener(IPAddress.Loopback, port + 1);
                next.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }
    }

    public static string Endpoint(int port) => $"tcp://127.0.0.1:{port}";
}
