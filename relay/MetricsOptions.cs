namespace Telemetry.Relay;

/// <summary>Where <c>/metrics</c> is served.</summary>
public sealed record MetricsOptions
{
    /// <summary>TCP port; 0 turns the endpoint off.</summary>
    public int Port { get; init; } = 9102;

    /// <summary>Host name to listen on; <c>+</c> means every interface.</summary>
    public string Host { get; init; } = "+";
}
