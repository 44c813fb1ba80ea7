namespace Telemetry.Hosting;

/// <summary>Endpoint checks the hosts make on their flags before a socket sees them, so a typo fails with a clear message.</summary>
public static class EndpointText
{
    /// <summary>A tcp://HOST:PORT, inproc://NAME or ipc://NAME endpoint.</summary>
    public static bool IsValid(string? endpoint) => Telemetry.Endpoint.IsValid(endpoint);

    /// <summary>A data endpoint: one of the above, or an epgm:// multicast group.</summary>
    public static bool IsValidData(string? endpoint) => Telemetry.Endpoint.IsValidData(endpoint);

    /// <summary>Where a publisher or relay serves snapshots beside <paramref name="dataEndpoint"/> (the next TCP port); null when there is no such place.</summary>
    public static string? SnapshotBeside(string dataEndpoint) => Wire.SnapshotProtocol.DeriveEndpoint(dataEndpoint);
}
