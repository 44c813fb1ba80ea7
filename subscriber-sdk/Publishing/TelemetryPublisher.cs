using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telemetry.Internal;

namespace Telemetry;

/// <summary>
/// Publishes records of one type over a ZeroMQ XPUB socket. Callers on any thread enqueue records;
/// one sender thread drains everything queued, groups it by topic and sends one batch per topic, so
/// a lone record goes out at once and batches grow only under load.
/// </summary>
/// <typeparam name="T">
/// The record type: one of the SDK's (<see cref="Tick"/>, <see cref="LogRecord"/>, ...), any type that
/// implements <see cref="IRecord{TSelf}"/> (the fastest path), or any type MessagePack-CSharp can
/// serialize, such as a <c>[MessagePackObject]</c> class; its batch kind then comes from
/// <see cref="TelemetryKindAttribute"/>, <see cref="PublisherOptions.Kind"/>, or its full name.
/// </typeparam>
public sealed class TelemetryPublisher<T> : IAsyncDisposable, IDisposable
{
    private readonly PublisherOptions _options;
    private readonly MpscQueue<QueuedRecord<T>> _queue;
    private readonly TopicRegistry _topics;
    private readonly PublisherSender<T> _sender;
    private long _droppedQueueFull;

    /// <summary>Starts a publisher: binds and connects its socket and starts the sender thread.</summary>
    /// <param name="options">Endpoints and queue settings; validated here.</param>
    /// <param name="logger">Where lifecycle events go; optional.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a record type MessagePack can serialize.</exception>
    /// <exception cref="NetMQ.NetMQException">An endpoint could not be bound or connected.</exception>
    public TelemetryPublisher(PublisherOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        NetMqRuntime.EnsureConfigured();
        _options = options;
        logger ??= NullLogger.Instance;
        _queue = new MpscQueue<QueuedRecord<T>>(options.QueueCapacity);
        _topics = new TopicRegistry(this, options.Kind ?? RecordFormatOf());
        _sender = new PublisherSender<T>(options, logger, _queue, _topics, NewSession());
        BoundEndpoints = _sender.Start();
        Log.PublisherStarted(logger, options.Name, Session, string.Join(", ", BoundEndpoints.Concat(options.Connect)));
    }

    /// <summary>This publisher's name, as written in every batch.</summary>
    public string Name => _options.Name;

    /// <summary>The random session of this publisher instance; a restart picks a new one.</summary>
    public ulong Session => _sender.Session;

    /// <summary>The endpoints actually bound (with <c>*</c> ports resolved), in the order given.</summary>
    public IReadOnlyList<string> BoundEndpoints { get; }

    /// <summary>Rounds that waited for the message budget since start.</summary>
    internal long BudgetWaits => _sender.BudgetWaits;

    /// <summary>Times the sender paused because slow subscribers held the send budget (Wait mode).</summary>
    internal long SubscriberWaits => _sender.SubscriberWaits;

    /// <summary>Rounds a publishing caller ran itself, finding the sender asleep.</summary>
    internal long InlineRounds => _sender.InlineRounds;

    /// <summary>Snapshot requests answered since start.</summary>
    internal long SnapshotsServed => _sender.SnapshotStats.Answered;

    /// <summary>Returns the handle of <paramref name="topic"/>, creating it on first use. Cheap after the first call; keep the handle.</summary>
    /// <param name="topic">A dot-separated topic such as <c>md.SIM.AAPL</c>.</param>
    /// <param name="kind">The batch kind; defaults to the record type's kind.</param>
    public PublisherTopic Topic(string topic, string? kind = null) => _topics.Get(topic, kind);

    /// <summary>Queues one record for <paramref name="topic"/>.</summary>
    /// <returns>False if the record was dropped because the queue was full and the mode is <see cref="QueueFullMode.DropNewest"/>.</returns>
    /// <exception cref="ObjectDisposedException">The publisher is stopping.</exception>
    public bool Publish(PublisherTopic topic, in T record)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!ReferenceEquals(topic.Owner, this))
        {
            throw new ArgumentException("The topic handle belongs to another publisher.", nameof(topic));
        }

        ObjectDisposedException.ThrowIf(_sender.Stopping, this);
        var item = new QueuedRecord<T>(topic, record);
        if (!_queue.TryEnqueue(item) && !EnqueueSlow(item))
        {
            return false;
        }

        _sender.Wake();
        return true;
    }

    /// <summary>
    /// Queues a run of records for one topic with a single reservation in the queue: the cheapest way
    /// to publish a burst.
    /// </summary>
    /// <returns>How many records were queued: all of them, unless the mode is <see cref="QueueFullMode.DropNewest"/> and the queue filled up.</returns>
    /// <exception cref="ObjectDisposedException">The publisher is stopping.</exception>
    public int Publish(PublisherTopic topic, ReadOnlySpan<T> records)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!ReferenceEquals(topic.Owner, this))
        {
            throw new ArgumentException("The topic handle belongs to another publisher.", nameof(topic));
        }

        int queued = 0;
        var spinner = default(SpinWait);
        while (queued < records.Length)
        {
            ObjectDisposedException.ThrowIf(_sender.Stopping, this);
            int count = _queue.TryReserve(records.Length - queued, out long start);
            for (int i = 0; i < count; i++)
            {
                _queue.Publish(start + i, new QueuedRecord<T>(topic, records[queued + i]));
            }

            queued += count;
            _sender.Wake();
            if (count == 0)
            {
                if (_options.QueueFullMode == QueueFullMode.DropNewest)
                {
                    Interlocked.Add(ref _droppedQueueFull, records.Length - queued);
                    return queued;
                }

                spinner.SpinOnce(sleep1Threshold: 30);
            }
        }

        return queued;
    }

    /// <summary>Queues one record for the topic named <paramref name="topic"/> (a dictionary lookup; prefer the handle overload on hot paths).</summary>
    /// <returns>False if the record was dropped because the queue was full.</returns>
    public bool Publish(string topic, in T record) => Publish(Topic(topic), record);

    /// <summary>Completes when every record published before the call has been handed to ZeroMQ: the sender reports it after the round that sent them.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flushed = _sender.Flushes.WaitFor(_queue.EnqueuedCount, cancellationToken);
        _sender.Wake();
        return flushed;
    }

    /// <summary>
    /// Completes when every record published before the call has been handed to ZeroMQ (<see cref="FlushAsync"/>)
    /// and, in Wait mode, ZeroMQ has written all of this publisher's messages to the network: what a
    /// short-lived process waits for before it exits, since NetMQ drops what is still queued when the
    /// process ends. Never completes while a subscriber is connected but does not read; cancel it to give up.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await _sender.DrainAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Counters since start.</summary>
    public PublisherStats GetStats() => new(
        _queue.EnqueuedCount,
        _sender.Sent,
        _sender.Batches,
        _sender.Bytes,
        Volatile.Read(ref _droppedQueueFull),
        _sender.DroppedUnsubscribed,
        _queue.Count,
        _sender.Subscriptions,
        _sender.Connections,
        _sender.RefusedSubscriptions,
        _sender.SnapshotStats,
        _sender.QueuedBytes,
        _sender.Retransmit,
        _sender.Heartbeats);

    /// <summary>Counters of each epgm:// output, in the order the endpoints were given.</summary>
    public IReadOnlyList<PgmSenderStats> GetPgmStats() => _sender.PgmStats;

    /// <summary>Sends what is queued, waits up to <see cref="PublisherOptions.Linger"/> for it to leave, and closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        await _sender.StopAsync().ConfigureAwait(false);
        _sender.Dispose();
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // A type MessagePack cannot serialize is refused here, with the reason, not at the first Publish.
    private static string RecordFormatOf()
    {
        try
        {
            return RecordCodec<T>.Format.Kind;
        }
        catch (TypeInitializationException ex) when (ex.InnerException is NotSupportedException unsupported)
        {
            throw unsupported;
        }
    }

    private static ulong NewSession()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong session;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            session = BitConverter.ToUInt64(bytes);
        }
        while (session == 0);
        return session;
    }

    private bool EnqueueSlow(in QueuedRecord<T> item)
    {
        if (_options.QueueFullMode == QueueFullMode.DropNewest)
        {
            Interlocked.Increment(ref _droppedQueueFull);
            return false;
        }

        var spinner = default(SpinWait);
        while (!_queue.TryEnqueue(item))
        {
            ObjectDisposedException.ThrowIf(_sender.Stopping, this);
            _sender.Wake();
            spinner.SpinOnce(sleep1Threshold: 30);
        }

        return true;
    }
}
