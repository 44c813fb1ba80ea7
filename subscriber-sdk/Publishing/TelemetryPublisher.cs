using System.Collections.Concurrent;
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
/// <typeparam name="T">The record type, e.g. <see cref="Tick"/> or <see cref="LogRecord"/>.</typeparam>
public sealed partial class TelemetryPublisher<T> : IAsyncDisposable, IDisposable where T : IRecord<T>
{
    private readonly PublisherOptions _options;
    private readonly ILogger _logger;
    private readonly MpscQueue<QueuedRecord> _queue;
    private readonly ConcurrentDictionary<string, PublisherTopic> _topics = new(StringComparer.Ordinal);
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Thread _sender;
    private readonly TaskCompletionSource<IReadOnlyList<string>> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sleeping;
    private int _topicCount;
    private volatile bool _stopping;
    private long _droppedQueueFull;

    /// <summary>Starts a publisher: binds and connects its socket and starts the sender thread.</summary>
    /// <param name="options">Endpoints and queue settings; validated here.</param>
    /// <param name="logger">Where lifecycle events go; optional.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="NetMQ.NetMQException">An endpoint could not be bound or connected.</exception>
    public TelemetryPublisher(PublisherOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        NetMqRuntime.EnsureConfigured();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _queue = new MpscQueue<QueuedRecord>(options.QueueCapacity);
        _sentBytes = options.SlowSubscriberMode == SlowSubscriberMode.Wait ? new SentMessageBytes() : null;
        Session = NewSession();
        _sender = new Thread(RunSender) { IsBackground = true, Name = $"telemetry-pub {options.Name}" };
        _sender.Start();
        try
        {
            BoundEndpoints = _started.Task.GetAwaiter().GetResult();
        }
        catch
        {
            _sender.Join();
            throw;
        }

        Log.PublisherStarted(_logger, options.Name, Session, string.Join(", ", BoundEndpoints.Concat(options.Connect)));
    }

    /// <summary>This publisher's name, as written in every batch.</summary>
    public string Name => _options.Name;

    /// <summary>The random session of this publisher instance; a restart picks a new one.</summary>
    public ulong Session { get; }

    /// <summary>The endpoints actually bound (with <c>*</c> ports resolved), in the order given.</summary>
    public IReadOnlyList<string> BoundEndpoints { get; }

    /// <summary>Returns the handle of <paramref name="topic"/>, creating it on first use. Cheap after the first call; keep the handle.</summary>
    /// <param name="topic">A dot-separated topic such as <c>md.SIM.AAPL</c>.</param>
    /// <param name="kind">The batch kind; defaults to the record type's kind.</param>
    public PublisherTopic Topic(string topic, string? kind = null)
    {
        if (_topics.TryGetValue(topic ?? string.Empty, out var existing) && (kind is null || kind == existing.Kind))
        {
            return existing;
        }

        PublisherTopic.Validate(topic!);
        kind ??= T.Kind;
        if (kind.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(kind) > Wire.WireFormat.MaxKindBytes)
        {
            throw new ArgumentException($"Kind must be 1 to {Wire.WireFormat.MaxKindBytes} UTF-8 bytes.", nameof(kind));
        }

        var created = _topics.GetOrAdd(topic!, static (name, state) => new PublisherTopic(state.Owner, Interlocked.Increment(ref state.Owner._topicCount) - 1, name, state.Kind), (Owner: this, Kind: kind));
        return created.Kind == kind
            ? created
            : throw new ArgumentException($"Topic '{topic}' already publishes kind '{created.Kind}'.", nameof(kind));
    }

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

        ObjectDisposedException.ThrowIf(_stopping, this);
        var item = new QueuedRecord(topic, record);
        if (!_queue.TryEnqueue(item) && !EnqueueSlow(item))
        {
            return false;
        }

        WakeSender();
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
            ObjectDisposedException.ThrowIf(_stopping, this);
            int count = _queue.TryReserve(records.Length - queued, out long start);
            for (int i = 0; i < count; i++)
            {
                _queue.Publish(start + i, new QueuedRecord(topic, records[queued + i]));
            }

            queued += count;
            WakeSender();
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

    /// <summary>Completes when every record published before the call has been handed to ZeroMQ.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        long target = _queue.EnqueuedCount;
        while (Volatile.Read(ref _processed) < target && !_stopped.Task.IsCompleted)
        {
            WakeSender();
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Counters since start.</summary>
    public PublisherStats GetStats() => new(
        _queue.EnqueuedCount,
        Volatile.Read(ref _sent),
        Volatile.Read(ref _batches),
        Volatile.Read(ref _bytes),
        Volatile.Read(ref _droppedQueueFull),
        Volatile.Read(ref _droppedUnsubscribed),
        _queue.Count,
        Volatile.Read(ref _subscriptionCount),
        Volatile.Read(ref _connections),
        RefusedCount,
        SnapshotStats);

    /// <summary>Sends what is queued, waits up to <see cref="PublisherOptions.Linger"/> for it to leave, and closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        WakeSender();
        await _stopped.Task.ConfigureAwait(false);
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

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

    private bool EnqueueSlow(in QueuedRecord item)
    {
        if (_options.QueueFullMode == QueueFullMode.DropNewest)
        {
            Interlocked.Increment(ref _droppedQueueFull);
            return false;
        }

        var spinner = default(SpinWait);
        while (!_queue.TryEnqueue(item))
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            WakeSender();
            spinner.SpinOnce(sleep1Threshold: 30);
        }

        return true;
    }

    private void WakeSender()
    {
        if (Volatile.Read(ref _sleeping) != 0 && Interlocked.Exchange(ref _sleeping, 0) != 0)
        {
            _wake.Set();
        }
    }

    // Fields, not properties: the sender passes Record by reference into the codec.
    private struct QueuedRecord(PublisherTopic topic, T record)
    {
        public PublisherTopic Topic = topic;
        public T Record = record;
    }
}
