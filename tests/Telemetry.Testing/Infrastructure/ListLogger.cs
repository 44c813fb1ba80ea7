using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Telemetry.Tests.Infrastructure;

/// <summary>Keeps every log line written to it, so a test can say what a component reported when it fails.</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)}");

    public override string ToString() => string.Join(Environment.NewLine, Lines.Take(40));
}
