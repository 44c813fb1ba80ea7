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
}
