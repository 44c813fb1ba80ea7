using System.Net;
using System.Net.Sockets;

namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// Free loopback TCP ports for processes that must be told their endpoint up front. Ports come from
/// below the kernel's ephemeral range: an ephemeral port can be taken by any outgoing connection
/// (reconnect attempts abound while a peer is down) between the check and the bind, or while a killed
/// process is restarted on it. A data endpoint also gets its port + 1 free, where publishers and
/// relays put their snapshot service by convention. No port is handed out twice in one test run.
/// </summary>
internal static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    public static int Next() => Pick(1);

    /// <summary>A data endpoint whose port + 1 (the snapshot convention) is free too.</summary>
    public static string TcpEndpoint() => $"tcp://127.0.0.1:{Pick(2)}";

    /// <summary>Kept for readability where a process is killed and restarted on the port: every port here is stable.</summary>
    public static int NextStable() => Next();

    public static string StableTcpEndpoint() => TcpEndpoint();

    private static int Pick(int consecutive)
    {
        int firstEphemeral = EphemeralRangeStart();
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            int port = Random.Shared.Next(10_000, firstEphemeral - consecutive);
            lock (Gate)
            {
                if (Enumerable.Range(port, consecutive).Any(HandedOut.Contains) || !AllFree(port, consecutive))
                {
                    continue;
                }

                for (int p = port; p < port + consecutive; p++)
                {
                    HandedOut.Add(p);
                }

                return port;
            }
        }

        throw new InvalidOperationException("No free loopback port found below the ephemeral range.");
    }

    private static bool AllFree(int port, int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (int p = port; p < port + count; p++)
            {
                var listener = new TcpListener(IPAddress.Loopback, p);
                listener.Start();
                listeners.Add(listener);
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split('\t', ' ')[0], out int low) && low > 11_000 ? low : 32_768;
    }
}
