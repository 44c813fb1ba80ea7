namespace Telemetry;

/// <summary>What a publisher does when a subscriber reads more slowly than it publishes.</summary>
public enum SlowSubscriberMode
{
    /// <summary>
    /// ZeroMQ's way: each subscriber has its own queue of <see cref="PublisherOptions.SendHighWatermark"/>
    /// messages; when a subscriber's queue is full, its messages are dropped (it sees a gap) and the
    /// other subscribers go on at full speed. For fan-out, where one slow reader must not slow the rest.
    /// </summary>
    Drop = 0,

    /// <summary>
    /// Nothing is dropped: the queues toward subscribers have no message limit, and once this
    /// publisher's messages in ZeroMQ take <see cref="PublisherOptions.SendBufferBytes"/> the sender
    /// thread waits until they drain. Every subscriber then goes at the pace of the slowest, and the wait reaches
    /// the callers as <see cref="PublisherOptions.QueueFullMode"/> says: they block, or their records
    /// are dropped and counted. For streams where every record counts, such as logs into one sink.
    /// </summary>
    Wait = 1,
}
