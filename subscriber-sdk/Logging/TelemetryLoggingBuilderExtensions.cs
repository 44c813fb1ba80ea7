using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Telemetry.Logging;

namespace Microsoft.Extensions.Logging;

/// <summary>Adds the Telemetry logging provider: structured records to a central log sink.</summary>
public static class TelemetryLoggingBuilderExtensions
{
    /// <summary>
    /// Publishes every log record on <c>log.&lt;application&gt;.&lt;Level&gt;</c>, e.g. to a sink started with
    /// <c>telemetry sink --bind tcp://0.0.0.0:5570 --prefix log. --out DIR</c>. Never blocks the caller:
    /// when the queue is full records are dropped and counted.
    /// </summary>
    public static ILoggingBuilder AddTelemetry(this ILoggingBuilder builder, TelemetryLoggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.ToPublisherOptions().Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Telemetry logging options: " + string.Join(" ", problems), nameof(options));
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, TelemetryLoggerProvider>(_ => new TelemetryLoggerProvider(options)));
        return builder;
    }
}
