using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Telemetry.Logging;

/// <summary>One category's logger: renders the message and the structured state into a <see cref="LogRecord"/>.</summary>
internal sealed class TelemetryLogger(TelemetryLoggerProvider provider, string category) : ILogger
{
    private const string OriginalFormat = "{OriginalFormat}";

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => provider.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(formatter);
        long now = UnixClock.ToUnixNs(DateTimeOffset.UtcNow);
        provider.Publish(new LogRecord(now, logLevel, category, formatter(state, exception), exception?.ToString(), Properties(state, eventId)));
    }

    private static Dictionary<string, string>? Properties<TState>(TState state, EventId eventId)
    {
        Dictionary<string, string>? properties = null;
        if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (key, value) in pairs)
            {
                properties ??= new Dictionary<string, string>(pairs.Count + 1, StringComparer.Ordinal);
                properties[key == OriginalFormat ? "template" : key] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
                if (properties.Count >= StringMapFormat.MaxEntries - 1)
                {
                    break;
                }
            }
        }

        if (eventId.Id != 0 || eventId.Name is not null)
        {
            properties ??= new Dictionary<string, string>(1, StringComparer.Ordinal);
            properties["eventId"] = eventId.Name ?? eventId.Id.ToString(CultureInfo.InvariantCulture);
        }

        return properties;
    }
}
