using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Subscribing;

namespace Telemetry;

/// <summary>
/// Subscribes to Telemetry publishers or relays by topic prefix. One receive thread reads batches,
/// checks their envelope, tracks sequence numbers per (publisher, session, topic) and hands the
/// records over, either zero-copy to a <see cref="BatchHandler"/> (<see cref="Start"/>) or decoded
/// through a bounded buffer (<see cref="ReadAllAsync{T}"/>). Reconnects on its own.
/// </summary>
public sealed partial class TelemetrySubscriber : IAsyncDisposable, IDisposable
{
    private readonly SubscriberOptions _options;
    private readonly ILogger _logger;
    private readonly NetMQSocket _socket;
    private readonly NetMQQueue<Action> _commands = new();
    private readonly NetMQPoller _poller;
    private readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);
    private readonly PrefixSet _prefixSet = new();
    private readonly StreamTracker _tracker;
    private readonly RejectedInput _rejected;
    private Thread? _thread;
    private BatchHandler? _handler;
    private Action? _completeDelivery;
    private Func<int>? _buffered;
    private Func<(long Dropped, long Conflated)>? _bufferCounters;
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
        _tracker = new StreamTracker(options.MaxTrackedStreams);
        _rejected = new RejectedInput(_logger, "Subscriber");
        _socket = CreateSocket(options);
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
                AddPrefix(prefix);
            }

            var bound = new List<string>();
            foreach (var endpoint in options.Bind.Where(e => !IsPgm(e)))
            {
                _socket.Bind(endpoint);
                bound.Add(_socket.Options.LastEndpoint ?? endpoint);
            }

            foreach (var endpoint in options.Connect.Where(e => !IsPgm(e)))
            {
                _socket.Connect(endpoint);
            }

            OpenPgmInputs(options);

            BoundEndpoints = bound;
        }
        catch
        {
            ClosePgmInputs();
            _socket.Dispose();
            _commands.Dispose();
            throw;
        }

        _socket.ReceiveReady += OnReceiveReady;
        _commands.ReceiveReady += (_, _) =>
        {
            while (_commands.TryDequeue(out var command, TimeSpan.Zero))
            {
                command();
            }
        };
        _poller = [_socket, _commands];
        SetUpSnapshots();
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
            if (AddPrefix(prefix) && _options.Snapshot && _handler is not null)
            {
                RequestSnapshot([prefix]);
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
                SendSubscription(subscribe: false, prefix);
                _prefixSet.Remove(System.Text.Encoding.UTF8.GetBytes(prefix));
                _tracker.Forget(topic => _prefixSet.Matches(System.Text.Encoding.UTF8.GetBytes(topic)));
            }
        });
    }

    /// <summary>Starts delivering every batch to <paramref name="handler"/> on the receive thread, zero-copy.</summary>
    /// <exception cref="InvalidOperationException">The subscriber was already started.</exception>
    public void Start(BatchHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("The subscriber is already started; it has one consumer.");
        }

        if (_options.Snapshot)
        {
            Post(() => RequestSnapshot([.. _prefixes]));
        }

        _thread = new Thread(_poller.Run) { IsBackground = true, Name = "telemetry-sub" };
        _thread.Start();
    }

    /// <summary>Counters since start.</summary>
    public SubscriberStats GetStats()
    {
        var (dropped, conflated) = _bufferCounters?.Invoke() ?? default;
        return new SubscriberStats(
            Volatile.Read(ref _messages),
            Volatile.Read(ref _bytes),
            Volatile.Read(ref _records),
            Volatile.Read(ref _gaps),
            Volatile.Read(ref _missing),
            Volatile.Read(ref _restarts),
            Volatile.Read(ref _duplicates),
            _rejected.Total + Volatile.Read(ref _receiveFailures),
            Volatile.Read(ref _kindMismatch),
            dropped,
            conflated,
            Volatile.Read(ref _untracked),
            Volatile.Read(ref _handlerErrors),
            _buffered?.Invoke() ?? 0,
            Volatile.Read(ref _snapshots),
            Volatile.Read(ref _snapshotTimeouts));
    }

    /// <summary>Stops receiving, ends any <see cref="ReadAllAsync{T}"/> enumeration after what is buffered, and closes the socket.</summary>
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
        _completeDelivery?.Invoke();
        if (_poller.IsRunning)
        {
            _poller.Stop();
        }

        _thread?.Join();
        _poller.Dispose();
        DisposeSnapshots();
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

    private bool AddPrefix(string prefix)
    {
        if (!_prefixes.Add(prefix))
        {
            return false;
        }

        SendSubscription(subscribe: true, prefix);
        _prefixSet.Add(System.Text.Encoding.UTF8.GetBytes(prefix));
        return true;
    }

    private void Post(Action command)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _commands.Enqueue(command);
    }
}
