using System.Globalization;

namespace Telemetry;

/// <summary>Endpoint syntax checks done before a socket sees the address, so mistakes fail with a clear message.</summary>
internal static class Endpoint
{
    public static bool IsValid(string? endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return false;
        }

        if (endpoint.StartsWith("tcp://", StringComparison.Ordinal))
        {
            // NetMQ parses the port itself and throws from deep inside Bind/Connect: check it here.
            var address = endpoint.AsSpan("tcp://".Length);
            int colon = address.LastIndexOf(':');
            return colon > 0 && IsPort(address[(colon + 1)..]);
        }

        return (endpoint.StartsWith("inproc://", StringComparison.Ordinal) || endpoint.StartsWith("ipc://", StringComparison.Ordinal))
            && endpoint.IndexOf("://", StringComparison.Ordinal) + 3 < endpoint.Length;
    }

    /// <summary>A data endpoint: the ZeroMQ transports above or a multicast <c>epgm://</c> group (not for snapshot services).</summary>
    public static bool IsValidData(string? endpoint) =>
        IsValid(endpoint) || (endpoint is not null && Transport.Pgm.PgmEndpoint.IsWellFormed(endpoint));

    private static bool IsPort(ReadOnlySpan<char> port) =>
        port is "*" || (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number is > 0 and <= 65535);
}
