using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetMQ;
using Telemetry.Internal;
using Telemetry.Subscribing;
using Telemetry.Transport.Pgm;

namespace Telemetry;

/// <summary>
/// Subscribes to Telemetry publishers or relays by topic prefix. One receive thread reads batches,
/// checks their envelope, tracks sequence numbers per (publisher, session, topic) and hands the
/// records to every consumer: zero-copy to a <see cref="BatchHandler"/> (<see cref="Start"/>), or
/// decoded through a bounded buffer of its own (<see cref="ReadAllAsync{T}"/>). Reconnects on its own.
/// </summary>
public sealed class TelemetrySubscriber : IAsyncDisposable, IDisposable
{
    private readonly SubscriberOptions _options;
    private readonly ILogger _logger;
    private readonly NetMQSocket _socket;
    private readonly NetMQQueue<Action> _commands = new();
    private readonly NetMQPoller _poller;
    private readonly PrefixSubscriptions _prefixes;
    private readonly StreamTracker _tracker;
    private readonly RejectedInput _rejected;
    private readonly SubscriberCounters _counters = new();
    private readonly BatchConsumers _consumers;
    private readonly ReceiveLoop _receive;
    private readonly ConflationSwitch _conflation;
    private readonly GapRecovery _recovery;
    private readonly SnapshotClient? _snapshots;
    private readonly List<PgmInput> _pgmInputs = [];
    private Thread? _thread;
    private int _started;
    private int _disposed;

    /// <summary>Creates the subscriber and connects (or binds) its socket; records flow once it is started.</summary>
    /// <param name="options">Endpoints, prefixes and buffer settings; validated here.</param>
    /// <param name="logger">Where gaps, restarts and rejected input are logged; optional.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public TelemetrySubscriber(SubscriberOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        NetMqRuntime.EnsureConfigured();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _tracker = new StreamTracker(options.MaxTrackedStreams, options.ResumeFrom);
        _rejected = new RejectedInput(_logger, "Subscriber");
        _consumers = new BatchConsumers(_counters, _rejected, _logger);
        _socket = PrefixSubscriptions.CreateSocket(options);
        _prefixes = new PrefixSubscriptions(_socket, options.EntitlementToken, options.Conflation == Conflation.Always);
        try
        {
            _socket.Options.ReceiveHighWatermark = options.ReceiveHighWatermark;
            _socket.Options.SendHighWatermark = options.SubscriptionHighWatermark;
            _socket.Options.MaxMsgSize = options.MaxMessageBytes;
            _socket.Options.Linger = TimeSpan.Zero;
            NetMqRuntime.ApplyLinkOptions(_socket, options.HeartbeatInterval, options.HeartbeatTimeout);
            Curve.ApplyServer(_socket, options.CurveServerKey is null ? options.CurveSecretKey : null);
            Curve.ApplyClient(_socket, options.CurveServerKey, options.CurveSecretKey);
            foreach (var prefix in options.Prefixes)
            {
                _prefixes.Add(prefix);
            }

            var bound = new List<string>();
            foreach (var endpoint in options.Bind.Where(e => !PgmEndpoint.IsPgm(e)))
            {
                _socket.Bind(endpoint);
                bound.Add(_socket.Options.LastEndpoint ?? endpoint);
            }

            foreach (var endpoint in options.Connect.Where(e => !PgmEndpoint.IsPgm(e)))
            {
                _socket.Connect(endpoint);
            }

            // epgm:// among Bind and Connect (both mean "receive this group"): each group is received
            // by a PgmInput that the socket connects to over inproc, so it is one more connection.
            foreach (var endpoint in options.Bind.Concat(options.Connect).Where(PgmEndpoint.IsPgm))
            {
                var input = new PgmInput(endpoint, options.Pgm, options.MaxMessageBytes, options.ReceiveHighWatermark);
                _pgmInputs.Add(input);
                _socket.Connect(input.Address);
            }

            BoundEndpoints = bound;
        }
        catch
        {
            ClosePgmInputs();
            _socket.Dispose();
            _commands.Dispose();
            throw;
        }

        _recovery = new GapRecovery(options, _consumers, _counters, _rejected, _logger, e => Raise(GapDetected, e));
        _receive = new ReceiveLoop(_socket, _tracker, _rejected, _counters, _consumers, _logger, e => Raise(GapDetected, e), e => Raise(PublisherRestarted, e), _recovery, _conflation = new ConflationSwitch(options.Conflation, _prefixes, _counters, _logger));
        _socket.ReceiveReady += (_, _) => _receive.OnReceiveReady();
        _commands.ReceiveReady += (_, _) =>
        {
            while (_commands.TryDequeue(out var command, TimeSpan.Zero))
            {
                command();
            }
        };
        _poller = [_socket, _commands];
        if (_conflation.Switches)
        {
            var switchTimer = new NetMQTimer(TimeSpan.FromMilliseconds(250));
            switchTimer.Elapsed += (_, _) => _conflation.Tick();
            _poller.Add(switchTimer);
        }

        _recovery.Client = new RepairClient(_socket, _prefixes, options, _recovery, _counters, _rejected, _poller);
        _snapshots = options.Snapshot ? new SnapshotClient(options, _poller, _prefixes, _receive, _counters, _logger) : null;
        if (_snapshots is { } snapshots)
        {
            _recovery.Resync = topic => snapshots.Request([topic]);
        }
        Log.SubscriberStarted(_logger, string.Join(", ", BoundEndpoints.Concat(options.Connect)), string.Join(", ", options.Prefixes.Select(p => $"'{p}'")));
    }

    /// <summary>Raised on the receive thread when records of a stream are missing, with their exact range.</summary>
    public event EventHandler<GapEventArgs>? GapDetected;

    /// <summary>Raised on the receive thread when a publisher shows up with a new session.</summary>
    public event EventHandler<PublisherRestartedEventArgs>? PublisherRestarted;

    /// <summary>The endpoints actually bound (with <c>*</c> ports resolved).</summary>
    public IReadOnlyList<string> BoundEndpoints { get; }

    /// <summary>Adds a topic prefix at any time (thread-safe). Subscribing to a prefix twice is the same as once.</summary>
    public void Subscribe(string prefix)
    {
        ValidatePrefix(prefix);
        Post(() =>
        {
            if (_prefixes.Add(prefix) && Volatile.Read(ref _started) != 0)
            {
                _snapshots?.Request([prefix]);
            }
        });
    }

    /// <summary>Removes a topic prefix at any time (thread-safe). Streams no longer covered are forgotten, so a later re-subscribe is not a gap.</summary>
    public void Unsubscribe(string prefix)
    {
        ValidatePrefix(prefix);
        Post(() =>
        {
            if (_prefixes.Remove(prefix))
            {
                _tracker.Forget(_prefixes.Covers);
            }
        });
    }

    /// <summary>
    /// Delivers every batch to <paramref name="handler"/> on the receive thread, zero-copy, starting
    /// the subscriber if it is not running yet. Each consumer (handler or <see cref="ReadAllAsync{T}"/>)
    /// gets every batch from the moment it is added; the snapshot, if asked for, comes with the first.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The subscriber was disposed.</exception>
    public void Start(BatchHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddConsumer(handler, null);
    }

    /// <summary>
    /// Returns this subscriber's records decoded as <typeparamref name="T"/>, through a buffer of the
    /// enumeration's own bounded by <see cref="SubscriberOptions.BufferCapacity"/> with the
    /// <see cref="SubscriberOptions.BufferFullMode"/> policy, starting the subscriber if it is not
    /// running yet. Several enumerations may read one subscriber; each gets every record. Batches of
    /// another kind are skipped and counted (<see cref="RawRecord"/> accepts every kind). The
    /// enumeration ends when the subscriber is disposed.
    /// </summary>
    /// <typeparam name="T">Any record type: the SDK's, an <see cref="IRecord{TSelf}"/>, or a type MessagePack can serialize.</typeparam>
    /// <exception cref="ObjectDisposedException">The subscriber was disposed.</exception>
    public IAsyncEnumerable<Received<T>> ReadAllAsync<T>(CancellationToken cancellationToken = default)
    {
        var subscription = new RecordSubscription<T>(_options, _counters);
        AddConsumer(subscription.Handle, subscription);
        return subscription.ReadAsync(cancellationToken);
    }

    /// <summary>Counters since start.</summary>
    public SubscriberStats GetStats()
    {
        var subscriptions = _consumers.Subscriptions;
        var c = _counters;
        return new SubscriberStats(
            Volatile.Read(ref c.Messages),
            Volatile.Read(ref c.Bytes),
            Volatile.Read(ref c.Records),
            Volatile.Read(ref c.Gaps),
            Volatile.Read(ref c.Missing),
            Volatile.Read(ref c.Restarts),
            Volatile.Read(ref c.Duplicates),
            _rejected.Total + Volatile.Read(ref c.ReceiveFailures),
            Volatile.Read(ref c.KindMismatch),
            subscriptions.Sum(s => s.Dropped),
            subscriptions.Sum(s => s.Conflated) + Volatile.Read(ref c.FeedConflated),
            Volatile.Read(ref c.Untracked),
            Volatile.Read(ref c.HandlerErrors),
            subscriptions.Sum(s => s.Buffered),
            Volatile.Read(ref c.Snapshots),
            Volatile.Read(ref c.SnapshotTimeouts),
            Volatile.Read(ref c.RepairRequests),
            Volatile.Read(ref c.Repaired),
            Volatile.Read(ref c.LateRepairs),
            Volatile.Read(ref c.Resynced),
            Volatile.Read(ref c.ConflationSwitches));
    }

    /// <summary>Counters of each epgm:// input (sources, repairs, losses), in the order the endpoints were given.</summary>
    public IReadOnlyList<PgmReceiverStats> GetPgmStats() => [.. _pgmInputs.Select(i => i.GetStats())];

    /// <summary>Stops receiving, ends every <see cref="ReadAllAsync{T}"/> enumeration after what is buffered, and closes the socket.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Release a receive thread blocked on a full buffer first, or stopping the poller would wait on it forever.
        _receive.Stop();
        _consumers.Complete();
        if (_poller.IsRunning)
        {
            _poller.Stop();
        }

        _thread?.Join();
        _poller.Dispose();
        _snapshots?.Dispose();
        _socket.Dispose();
        ClosePgmInputs();
        _commands.Dispose();
    }

    private static void ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (System.Text.Encoding.UTF8.GetByteCount(prefix) > Wire.WireFormat.MaxTopicBytes)
        {
            throw new ArgumentException($"A prefix is at most {Wire.WireFormat.MaxTopicBytes} UTF-8 bytes.", nameof(prefix));
        }
    }

    private void AddConsumer(BatchHandler handler, IRecordSubscription? subscription)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _consumers.Add(handler, subscription);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        if (_snapshots is not null)
        {
            Post(() => _snapshots.Request([.. _prefixes.All]));
        }

        _thread = new Thread(_poller.Run) { IsBackground = true, Name = "telemetry-sub" };
        _thread.Start();
    }

    private void ClosePgmInputs()
    {
        foreach (var input in _pgmInputs)
        {
            input.Dispose();
        }
    }

    private void Post(Action command)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _commands.Enqueue(command);
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Volatile.Write(ref _counters.HandlerErrors, _counters.HandlerErrors + 1);
            Log.HandlerFailed(_logger, ex);
        }
    }
}
