using System.Net;
using System.Net.Sockets;

namespace Telemetry.Perf.E2e;

/// <summary>
/// Free loopback TCP ports for the parties of a scenario, taken below the ephemeral range (so an
/// outgoing connection of another process cannot grab one between our check and the bind) and with
/// port + 1 free as well, where publishers and relays put their snapshot service.
/// </summary>
internal static class FreePort
{
    public static int Next()
    {
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            int port = Random.Shared.Next(10_000, 30_000);
            try
            {
                using var data = new TcpListener(IPAddress.Loopback, port);
                using var snapshot = new TcpListener(IPAddress.Loopback, port + 1);
                data.Start();
                snapshot.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        throw new InvalidOperationException("no free pair of loopback ports between 10,000 and 30,000");
    }

    public static string Endpoint(int port) => $"tcp://127.0.0.1:{port}";
}
