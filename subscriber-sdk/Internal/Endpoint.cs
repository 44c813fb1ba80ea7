namespace Telemetry;

/// <summary>Endpoint syntax checks done before a socket sees the address, so mistakes fail with a clear message.</summary>
internal static class Endpoint
{
    public static bool IsValid(string? endpoint) =>
        !string.IsNullOrWhiteSpace(endpoint)
        && (endpoint.StartsWith("tcp://", StringComparison.Ordinal) || endpoint.StartsWith("inproc://", StringComparison.Ordinal) || endpoint.StartsWith("ipc://", StringComparison.Ordinal))
        && endpoint.IndexOf("://", StringComparison.Ordinal) + 3 < endpoint.Length;

    /// <summary>A data endpoint: the ZeroMQ transports above or a multicast <c>epgm://</c> group (not for snapshot services).</summary>
    public static bool IsValidData(string? endpoint) =>
        IsValid(endpoint) || (endpoint is not null && Transport.Pgm.PgmEndpoint.IsWellFormed(endpoint));
}
