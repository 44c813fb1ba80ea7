using Telemetry.Internal;

namespace Telemetry;

/// <content>
/// Waiting for slow subscribers (<see cref="SlowSubscriberMode.Wait"/>). NetMQ's PUB/XPUB drops at
/// its high-water mark and has no XPUB_NODROP; the high-water mark counts messages, and at moderate
/// rates a message carries one or a few records, so a thousand messages are a few milliseconds of a
/// subscriber's pause. In Wait mode the socket has no message limit, and the sender bounds what
/// ZeroMQ holds in bytes instead: every NetMQ message buffer comes from <see cref="NetMqRuntime.Buffers"/>
/// and goes back to it once the I/O thread has written the message to the network, so the pool's
/// outstanding bytes are exactly what is queued. While they exceed the budget the sender drains no
/// more records; its queue fills and the callers block or drop-and-count (<see cref="QueueFullMode"/>).
/// </content>
public sealed partial class TelemetryPublisher<T>
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(2);
    private long _subscriberWaits;

    /// <summary>Bytes of the process's NetMQ messages not yet written to the network (or, received, not yet read).</summary>
    internal static long QueuedBytes => NetMqRuntime.Buffers.OutstandingBytes;

    /// <summary>Milliseconds the sender paused because slow subscribers held the send budget (Wait mode).</summary>
    internal long SubscriberWaits => Volatile.Read(ref _subscriberWaits);

    /// <summary>
    /// Completes when every record published before the call has been handed to ZeroMQ (<see cref="FlushAsync"/>)
    /// and ZeroMQ has written every message of the process to the network: what a short-lived process
    /// in Wait mode waits for before it exits, since NetMQ drops what is still queued when the process ends.
    /// Never completes while a subscriber is connected but does not read; cancel it to give up.
    /// </summary>
    internal async Task DrainAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        while (NetMqRuntime.Buffers.OutstandingBytes > 0 && !_stopped.Task.IsCompleted)
        {
            await Task.Delay(DrainPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The socket's message limit per subscriber: none in Wait mode, where bytes are the bound.</summary>
    private int SocketSendHighWatermark => _options.SlowSubscriberMode == SlowSubscriberMode.Wait ? 0 : _options.SendHighWatermark;

    /// <summary>True while the sender must take no more records: Wait mode and ZeroMQ's queues over budget.</summary>
    private bool SubscribersAreBehind() =>
        _options.SlowSubscriberMode == SlowSubscriberMode.Wait
        && !_stopping
        && NetMqRuntime.Buffers.OutstandingBytes > _options.SendBufferBytes;

    private void PauseForSubscribers()
    {
        // A millisecond, then the sender loop reads subscriptions again: that also lets the socket
        // process NetMQ's commands, among them the end of a departed subscriber's pipe, which
        // releases what was queued for it.
        _subscriberWaits++;
        Thread.Sleep(1);
    }
}
