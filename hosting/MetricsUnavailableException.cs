namespace Telemetry.Hosting;

/// <summary>The <c>/metrics</c> endpoint cannot listen; <see cref="Exception.Message"/> is the one line to show the operator.</summary>
public sealed class MetricsUnavailableException : Exception
{
    public MetricsUnavailableException()
    {
    }

    public MetricsUnavailableException(string message)
        : base(message)
    {
    }

    public MetricsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
