namespace Telemetry.Hosting;

/// <summary>Where a host serves <c>/metrics</c> (configuration section <c>Metrics</c>; each host's appsettings.json sets its port).</summary>
public sealed record MetricsOptions
{
    /// <summary>TCP port; 0 turns the endpoint off.</summary>
    public int Port { get; init; }

    /// <summary>Host name to listen on; <c>+</c> means every interface.</summary>
    public string Host { get; init; } = "+";
}
