namespace Telemetry;

/// <summary>What <c>Publish</c> does when the queue toward the sender thread is full.</summary>
public enum QueueFullMode
{
    /// <summary>Wait until the sender makes room (back-pressure on the caller).</summary>
    Block = 0,

    /// <summary>Drop the record being published, count it, and return false at once.</summary>
    DropNewest = 1,
}
