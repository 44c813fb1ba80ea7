using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;

namespace Telemetry.OpenTelemetry;

/// <summary>
/// Registers the Telemetry exporters with OpenTelemetry, in the form OpenTelemetry's own exporters
/// use: <c>.WithMetrics(m => m.AddMeter("Orders").AddTelemetryExporter(o => { o.Application = "orders-api"; o.Connect = ["tcp://collector:5570"]; }))</c>.
/// </summary>
public static class TelemetryExporterExtensions
{
    /// <summary>
    /// Publishes the provider's metrics to Telemetry every <see cref="TelemetryExporterOptions.ExportInterval"/>
    /// (one second by default), cumulative, on <c>metric.&lt;application&gt;.&lt;instrument&gt;</c>.
    /// </summary>
    /// <param name="builder">The meter provider being built.</param>
    /// <param name="configure">Sets the application name, the collector's endpoints and the rest.</param>
    /// <returns>The builder, for chaining.</returns>
    public static MeterProviderBuilder AddTelemetryExporter(this MeterProviderBuilder builder, Action<TelemetryExporterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = Configure(configure);
        var reader = new PeriodicExportingMetricReader(new TelemetryMetricExporter(options), (int)options.ExportInterval.TotalMilliseconds)
        {
            // Cumulative: a lost sample loses nothing, and the latest one alone is the state (wire format, section 5).
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        };
        return builder.AddReader(reader);
    }

    /// <summary>
    /// Publishes OpenTelemetry log records to Telemetry on <c>log.&lt;application&gt;.&lt;Level&gt;</c>,
    /// batched by OpenTelemetry's batch processor: <c>builder.Logging.AddOpenTelemetry(o => o.AddTelemetryExporter(...))</c>.
    /// </summary>
    /// <param name="loggerOptions">OpenTelemetry's logging options.</param>
    /// <param name="configure">Sets the application name, the collector's endpoints and the rest.</param>
    /// <returns>The options, for chaining.</returns>
    public static OpenTelemetryLoggerOptions AddTelemetryExporter(this OpenTelemetryLoggerOptions loggerOptions, Action<TelemetryExporterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(loggerOptions);
        ArgumentNullException.ThrowIfNull(configure);
        return loggerOptions.AddProcessor(LogProcessor(Configure(configure)));
    }

    /// <summary>
    /// Publishes OpenTelemetry log records to Telemetry on <c>log.&lt;application&gt;.&lt;Level&gt;</c>:
    /// <c>services.AddOpenTelemetry().WithLogging(l => l.AddTelemetryExporter(...))</c>.
    /// </summary>
    /// <param name="builder">The logger provider being built.</param>
    /// <param name="configure">Sets the application name, the collector's endpoints and the rest.</param>
    /// <returns>The builder, for chaining.</returns>
    public static LoggerProviderBuilder AddTelemetryExporter(this LoggerProviderBuilder builder, Action<TelemetryExporterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProcessor(LogProcessor(Configure(configure)));
    }

    private static BatchLogRecordExportProcessor LogProcessor(TelemetryExporterOptions options) =>
        new(new TelemetryLogExporter(options), scheduledDelayMilliseconds: 200);

    private static TelemetryExporterOptions Configure(Action<TelemetryExporterOptions> configure)
    {
        var options = new TelemetryExporterOptions();
        configure(options);
        options.Validate();
        return options;
    }
}
