namespace Telemetry;

/// <summary>What the buffer between the receive thread and <c>ReadAllAsync</c> does when it is full.</summary>
public enum BufferFullMode
{
    /// <summary>The receive thread waits: the publisher's high-water mark then drops, and the loss shows up as a gap.</summary>
    Block = 0,

    /// <summary>The oldest buffered records are dropped and counted.</summary>
    DropOldest = 1,

    /// <summary>Only the latest record per topic is kept (for dashboards and state, never for logs or trades).</summary>
    Conflate = 2,
}
