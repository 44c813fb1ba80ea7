using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Telemetry.Logging;

/// <summary>
/// A logging provider that publishes every record as a <see cref="LogRecord"/> on
/// <c>log.&lt;application&gt;.&lt;Level&gt;</c> to a central sink. Publishing is a lock-free enqueue:
/// the application is never blocked, and records that do not fit the queue are dropped and counted.
/// </summary>
[ProviderAlias("Telemetry")]
public sealed class TelemetryLoggerProvider : ILoggerProvider
{
    private readonly TelemetryPublisher<LogRecord> _publisher;
    private readonly PublisherTopic[] _topics;
    private readonly ConcurrentDictionary<string, TelemetryLogger> _loggers = new(StringComparer.Ordinal);

    /// <summary>Creates the provider and its publisher (binds or connects at once).</summary>
    public TelemetryLoggerProvider(TelemetryLoggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;

        // The publisher's own diagnostics must not come back through this provider.
        _publisher = new TelemetryPublisher<LogRecord>(options.ToPublisherOptions());
        _topics = [.. Enum.GetValues<LogLevel>().Where(l => l != LogLevel.None).Select(l => _publisher.Topic($"log.{options.TopicSegment}.{l}"))];
    }

    /// <summary>The settings in force.</summary>
    public TelemetryLoggerOptions Options { get; }

    /// <summary>Counters of the underlying publisher; <see cref="PublisherStats.DroppedQueueFull"/> counts dropped log records.</summary>
    public PublisherStats GetStats() => _publisher.GetStats();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new TelemetryLogger(this, name));

    /// <summary>Sends what is queued (bounded by the publisher's linger) and closes the publisher.</summary>
    public void Dispose() => _publisher.Dispose();

    internal bool IsEnabled(LogLevel level) => level != LogLevel.None && level >= Options.MinimumLevel;

    internal void Publish(LogRecord record) => _publisher.Publish(_topics[(int)record.Level], record);
}
