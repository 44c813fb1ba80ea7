using Microsoft.Extensions.Logging;

namespace Telemetry.Logging;

/// <summary>Settings of the Telemetry logging provider. Immutable; change with <c>with</c>.</summary>
public sealed record TelemetryLoggerOptions
{
    /// <summary>The application name: records go to <c>log.&lt;Application&gt;.&lt;Level&gt;</c>. Dots are replaced by dashes.</summary>
    public string Application { get; init; } = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "app";

    /// <summary>Where the log sink listens (the usual topology: the sink binds, applications connect).</summary>
    public IReadOnlyList<string> Connect { get; init; } = [];

    /// <summary>Endpoints to bind instead, when the sink connects to the applications.</summary>
    public IReadOnlyList<string> Bind { get; init; } = [];

    /// <summary>Records below this level are not published.</summary>
    public LogLevel MinimumLevel { get; init; } = LogLevel.Information;

    /// <summary>Records queued toward the sender thread; beyond it records are dropped and counted, never waited for.</summary>
    public int QueueCapacity { get; init; } = 16_384;

    internal string TopicSegment => Application.Replace('.', '-');

    internal PublisherOptions ToPublisherOptions() => new()
    {
        Name = $"{TopicSegment}/{Environment.ProcessId}",
        Connect = Connect,
        Bind = Bind,
        QueueCapacity = QueueCapacity,

        // Logging must never block the application: a full queue drops, and the drop is counted.
        QueueFullMode = QueueFullMode.DropNewest,

        // A sink's pause must not cost records: log traffic comes as many small messages, and
        // ZeroMQ's 1,000-message queue would be a few milliseconds of it. The sender waits on a byte
        // budget instead; only a sink that stays behind fills the queue above, which drops and counts.
        SlowSubscriberMode = SlowSubscriberMode.Wait,
    };
}
