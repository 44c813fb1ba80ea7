using System.Diagnostics;
using System.Net.Sockets;

namespace Telemetry.Perf.E2e;

/// <summary>Debian's nats-server on a free loopback port, for the NATS comparison; killed with the scenario.</summary>
internal static class NatsServer
{
    private const string Binary = "/usr/sbin/nats-server";

    public static string? Unavailable() => File.Exists("/usr/bin/nats-server") ? null : SystemPackages.Ensure(Binary, "nats-server");

    public static string Path => File.Exists(Binary) ? Binary : "/usr/bin/nats-server";

    /// <summary>Starts the server and waits until it accepts connections.</summary>
    public static async Task<(PartyProcess Server, string Url)> StartAsync(ScenarioRun run)
    {
        int port = FreePort.Next();
        var server = run.Add(PartyProcess.Start("nats-server", Path, ["-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return (server, $"nats://127.0.0.1:{port}");
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(15) && !server.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }
}
