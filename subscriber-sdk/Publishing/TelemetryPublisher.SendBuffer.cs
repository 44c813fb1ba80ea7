namespace Telemetry;

/// <content>
/// Waiting for slow subscribers (<see cref="SlowSubscriberMode.Wait"/>). NetMQ's PUB/XPUB drops at
/// its high-water mark and has no XPUB_NODROP; the high-water mark counts messages, and at moderate
/// rates a message carries one or a few records, so a thousand messages are a few milliseconds of a
/// subscriber's pause. In Wait mode the socket has no message limit, and the sender bounds what
/// ZeroMQ holds of this publisher's messages in bytes instead (<see cref="SentMessageBytes"/>): while
/// they exceed the budget the sender drains no more records, its queue fills, and the callers block
/// or drop-and-count (<see cref="QueueFullMode"/>).
/// </content>
public sealed partial class TelemetryPublisher<T>
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(2);
    private readonly SentMessageBytes? _sentBytes;
    private long _subscriberWaits;

    /// <summary>Bytes of this publisher's messages ZeroMQ still holds (Wait mode; zero otherwise).</summary>
    internal long QueuedBytes => _sentBytes?.Bytes ?? 0;

    /// <summary>Milliseconds the sender paused because slow subscribers held the send budget (Wait mode).</summary>
    internal long SubscriberWaits => Volatile.Read(ref _subscriberWaits);

    /// <summary>
    /// Completes when every record published before the call has been handed to ZeroMQ (<see cref="FlushAsync"/>)
    /// and, in Wait mode, ZeroMQ has written all of this publisher's messages to the network: what a
    /// short-lived process waits for before it exits, since NetMQ drops what is still queued when the
    /// process ends. Never completes while a subscriber is connected but does not read; cancel it to give up.
    /// </summary>
    internal async Task DrainAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        while (QueuedBytes > 0 && !_stopped.Task.IsCompleted)
        {
            await Task.Delay(DrainPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The socket's message limit per subscriber: none in Wait mode, where bytes are the bound.</summary>
    private int SocketSendHighWatermark => _sentBytes is null ? _options.SendHighWatermark : 0;

    /// <summary>In Wait mode, makes the buffers of the message about to be built count as this publisher's.</summary>
    private SentMessageBytes.Claim ClaimSendBuffers() => _sentBytes is null ? default : _sentBytes.ClaimTakes();

    /// <summary>True while the sender must take no more records: Wait mode and ZeroMQ's queues over budget.</summary>
    private bool SubscribersAreBehind() => _sentBytes is not null && !_stopping && _sentBytes.Bytes > _options.SendBufferBytes;

    private void PauseForSubscribers()
    {
        // A millisecond, then the sender loop reads subscriptions again: that also lets the socket
        // process NetMQ's commands, among them the end of a departed subscriber's pipe, which
        // releases what was queued for it.
        _subscriberWaits++;
        Thread.Sleep(1);
    }
}
