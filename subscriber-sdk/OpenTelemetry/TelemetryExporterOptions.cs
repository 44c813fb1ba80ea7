namespace Telemetry.OpenTelemetry;

/// <summary>
/// Where and as whom the Telemetry exporters publish. Set in the <c>AddTelemetryExporter</c>
/// callback, as OpenTelemetry's own exporters are configured; read once, when the exporter is built.
/// </summary>
public sealed class TelemetryExporterOptions
{
    /// <summary>
    /// The application's name, the middle segment of every topic (<c>metric.&lt;Application&gt;.…</c>,
    /// <c>log.&lt;Application&gt;.…</c>); dots become dashes. Default: the entry assembly's name.
    /// </summary>
    public string Application { get; set; } = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "app";

    /// <summary>The endpoints to connect to, usually a collector relay (<c>tcp://collector:5570</c>).</summary>
    public IReadOnlyList<string> Connect { get; set; } = [];

    /// <summary>Endpoints to bind instead, when the dashboard or sink connects to the application.</summary>
    public IReadOnlyList<string> Bind { get; set; } = [];

    /// <summary>The <c>host</c> label on every metric sample and log record. Default: the machine's name.</summary>
    public string Host { get; set; } = Environment.MachineName;

    /// <summary>How often metrics are collected and published. Default: one second.</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The collector's CURVE public key (Z85), when it requires CURVE.</summary>
    public string? CurveServerKey { get; set; }

    /// <summary>
    /// This application's CURVE secret key (Z85): with <see cref="CurveServerKey"/> its key as a
    /// client (an ephemeral one when null); with <see cref="Bind"/>, it makes the bound endpoints CURVE servers.
    /// </summary>
    public string? CurveSecretKey { get; set; }

    /// <summary>The application name as a topic segment: no dots, never empty.</summary>
    internal string TopicSegment => string.IsNullOrWhiteSpace(Application) ? "app" : Application.Replace('.', '-');

    /// <summary>Checked once, by the <c>AddTelemetryExporter</c> extensions, before an exporter is built.</summary>
    internal void Validate()
    {
        if (Connect.Count == 0 && Bind.Count == 0)
        {
            throw new ArgumentException("The Telemetry exporter needs Connect (a collector, e.g. tcp://collector:5570) or Bind endpoints.");
        }

        if (ExportInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ExportInterval), ExportInterval, "The export interval must be positive.");
        }
    }

    /// <summary>
    /// A publisher that never blocks the application or OpenTelemetry's export thread: when the
    /// collector is away, samples and log records beyond the queue are dropped and counted.
    /// </summary>
    internal PublisherOptions ToPublisherOptions(string role) => new()
    {
        Name = $"{TopicSegment}/{role}/{Environment.ProcessId}",
        Connect = Connect,
        Bind = Bind,
        QueueCapacity = 16_384,
        QueueFullMode = QueueFullMode.DropNewest,
        SlowSubscriberMode = SlowSubscriberMode.Wait,
        CurveServerKey = CurveServerKey,
        CurveSecretKey = CurveSecretKey,
    };
}
