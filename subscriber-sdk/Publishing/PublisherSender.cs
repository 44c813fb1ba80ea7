using MessagePack;
using Microsoft.Extensions.Logging;
using NetMQ;
using Telemetry.Distribution;
using Telemetry.Internal;
using Telemetry.Transport.Pgm;
using Telemetry.Wire;

namespace Telemetry;

/// <summary>
/// The publisher's sender: drains everything queued, groups it by topic, encodes one batch per topic
/// and hands it to the <see cref="DistributionNode"/>; between rounds its thread reads subscriptions
/// and serves snapshots. A round runs on the sender thread, or on the publishing caller's thread when
/// the sender is asleep (<see cref="TrySendInline"/>): no thread hop for a record that finds the
/// publisher idle. Whichever thread runs a round holds <c>_owned</c>, so the node's sockets (NetMQ
/// sockets are not thread-safe) and the round state are touched by one thread at a time, with the
/// full fences of the Interlocked operations between one owner and the next.
/// </summary>
internal sealed class PublisherSender<T> : ISubscriptionObserver, IDisposable
{
    // Most records taken from the queue in one round; bounds the latency a huge backlog adds to a
    // subscription change and the size of the per-round arrays.
    private const int MaxRoundRecords = 16_384;
    // An idle sender reads what peers sent (subscriptions, repair requests, snapshot barriers) after
    // at most this long: nothing wakes it when they arrive. At 50 ms a 1,000-record repair took
    // 52 ms (perf repair), nearly all of it this wait; 5 ms costs 200 wake-ups a second of an idle
    // publisher, each a few non-blocking reads. It also bounds how late the conflated feed's values go out.
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(2);

    // A caller sends its record itself at most once per this gap: one record per NetMQ message is
    // cheap at 10,000 records/s, but a caller publishing flat out would otherwise send every record
    // alone (NetMQ manages about 180,000 messages/s). Closer records wake the sender, which batches.
    private static readonly long MinInlineGapTicks = System.Diagnostics.Stopwatch.Frequency / 50_000;

    private readonly PublisherOptions _options;
    private readonly ILogger _logger;
    private readonly MpscQueue<QueuedRecord<T>> _queue;
    private readonly LastValues<T> _lastValues;
    private readonly MessageBudget _budget;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Thread _thread;
    private readonly TaskCompletionSource<IReadOnlyList<string>> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<PublisherTopic> _roundTopics = [];
    private readonly List<PublisherTopic> _activeTopics = [];
    private readonly long _windowAgeMs;
    private readonly long _heartbeatForMs;
    private readonly long _heartbeatMs;
    private const int MaxHeartbeatsPerInterval = 1024;
    private long _nextHeartbeatMs;
    private int _heartbeatCursor;
    private long _heartbeats;
    private readonly PrefixSet _subscriptions = new();
    private readonly byte[] _publisherUtf8;
    private readonly RecordFormat<T> _format = RecordCodec<T>.Format;
    private DistributionNode? _node;
    private int _sleeping;
    private int _owned;
    private long _lastInlineTicks;
    private long _inlineRounds;
    private long _processed;
    private readonly bool _inlineAllowed;
    private QueuedRecord<T>[] _drained = [];
    private int[] _next = [];
    private GrowableBuffer? _records;
    private GrowableBuffer? _header;
    private volatile bool _stopping;
    private long _sent;
    private long _batches;
    private long _bytes;
    private long _droppedUnsubscribed;
    private long _subscriberWaits;
    private int _subscriptionCount;

    public PublisherSender(PublisherOptions options, ILogger logger, MpscQueue<QueuedRecord<T>> queue, TopicRegistry topics, ulong session)
    {
        _options = options;
        _logger = logger;
        _queue = queue;
        Session = session;
        _publisherUtf8 = System.Text.Encoding.UTF8.GetBytes(options.Name);
        _lastValues = new LastValues<T>(topics, options.Name, session);
        _budget = new MessageBudget(options.MaxMessagesPerSecond);
        _thread = new Thread(Run) { IsBackground = true, Name = $"telemetry-pub {options.Name}" };
        _windowAgeMs = options.RetransmitWindowBytes > 0 ? (long)options.RetransmitWindowAge.TotalMilliseconds : 0;

        // Heartbeats go on for the window's age even with no window: they still tell a receiver
        // that it lost a tail (and so needs the current value) and that a quiet topic is not stale.
        _heartbeatForMs = (long)options.RetransmitWindowAge.TotalMilliseconds;
        _heartbeatMs = (long)options.StreamHeartbeatInterval.TotalMilliseconds;

        // Not in Wait mode (a caller must not send past the subscribers' budget), nor with epgm (its
        // sender is paced by that thread).
        _inlineAllowed = options.SlowSubscriberMode != SlowSubscriberMode.Wait && !options.Bind.Concat(options.Connect).Any(PgmEndpoint.IsPgm);
    }

    public ulong Session { get; }

    public FlushWaiters Flushes { get; } = new();

    public bool Stopping => _stopping;

    public bool Stopped => _stopped.Task.IsCompleted;

    public long Sent => Volatile.Read(ref _sent);

    public long Batches => Volatile.Read(ref _batches);

    public long Bytes => Volatile.Read(ref _bytes);

    public long DroppedUnsubscribed => Volatile.Read(ref _droppedUnsubscribed);

    public int Subscriptions => Volatile.Read(ref _subscriptionCount);

    public int Connections => _node?.Counters.Connections ?? 0;

    public long RefusedSubscriptions => (_node?.Counters.SubscriptionsRefused ?? 0) + SnapshotStats.RefusedEntitlement;

    public SnapshotStats SnapshotStats => _node?.SnapshotStats ?? default;

    public long BudgetWaits => _budget.Waits;

    public long Heartbeats => Volatile.Read(ref _heartbeats);

    /// <summary>Rounds a publishing caller ran itself, the sender being asleep.</summary>
    public long InlineRounds => Volatile.Read(ref _inlineRounds);

    public RetransmitStats Retransmit => _node?.RetransmitStats ?? default;

    public long SubscriberWaits => Volatile.Read(ref _subscriberWaits);

    public long QueuedBytes => _node?.QueuedBytes ?? 0;

    public IReadOnlyList<PgmSenderStats> PgmStats => _node?.Pgm.GetStats() ?? [];

    /// <summary>Starts the thread; returns the endpoints bound once the node is up.</summary>
    public IReadOnlyList<string> Start()
    {
        _thread.Start();
        try
        {
            return _started.Task.GetAwaiter().GetResult();
        }
        catch
        {
            _thread.Join();
            throw;
        }
    }

    /// <summary>Sends what is queued, then closes the node; completes when the thread has ended.</summary>
    public Task StopAsync()
    {
        _stopping = true;
        Wake();
        return _stopped.Task;
    }

    /// <summary>Completes when ZeroMQ has written every message of this publisher to the network (Wait mode; at once otherwise).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (QueuedBytes > 0 && !Stopped)
        {
            await Task.Delay(DrainPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Releases the wake-up event; call after <see cref="StopAsync"/> has completed (the thread disposed the rest).</summary>
    public void Dispose() => _wake.Dispose();

    /// <summary>Called after records were queued: sends them on this thread if the sender is asleep and free, else wakes it.</summary>
    public void Wake()
    {
        if (Volatile.Read(ref _sleeping) != 0 && !TrySendInline() && Interlocked.Exchange(ref _sleeping, 0) != 0)
        {
            _wake.Set();
        }
    }

    /// <summary>
    /// One round on the caller's thread, while the sender thread sleeps. Records queued by others
    /// meanwhile are not lost: a caller that finds the round taken wakes the sender thread instead,
    /// and the sender thread takes <c>_owned</c> before it touches anything.
    /// </summary>
    /// <returns>False when this caller may not run a round (not allowed, too soon after the last, or taken): wake the sender.</returns>
    private bool TrySendInline()
    {
        if (!_inlineAllowed || _stopping)
        {
            return false;
        }

        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (now - Volatile.Read(ref _lastInlineTicks) < MinInlineGapTicks || Interlocked.CompareExchange(ref _owned, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            if (_stopping || _node is not { } node || Volatile.Read(ref _sleeping) == 0 || !_budget.Ready)
            {
                return false; // the sender thread is up (or going), or the budget says wait: the sender thread waits and drains
            }

            Volatile.Write(ref _lastInlineTicks, now);
            int count = _queue.DrainTo(_drained);
            if (count > 0)
            {
                RunRound(node, count);
                Volatile.Write(ref _inlineRounds, _inlineRounds + 1);
                Flushes.Report(_processed);
            }

            return true;
        }
        catch (Exception ex)
        {
            // What a round on the sender thread would have logged before it stopped; here the
            // caller goes on, and the sender thread finds the node as broken as it would have.
            Log.SenderFailed(_logger, ex, _options.Name);
            return true;
        }
        finally
        {
            Interlocked.Exchange(ref _owned, 0);
        }
    }

    /// <summary>Takes the round for the sender thread; a caller holds it for one round at most.</summary>
    private void Own()
    {
        var spinner = default(SpinWait);
        while (Interlocked.CompareExchange(ref _owned, 1, 0) != 0)
        {
            spinner.SpinOnce();
        }
    }

    private void Disown() => Interlocked.Exchange(ref _owned, 0);

    void ISubscriptionObserver.OnSubscription(bool subscribe, string prefix, bool barrier)
    {
        if (!barrier)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
            _ = subscribe ? _subscriptions.Add(bytes) : _subscriptions.Remove(bytes);
        }
    }

    private NodeOptions NodeOptions(bool wait) => new()
    {
        Owner = $"publisher {_options.Name}",
        Bind = [.. _options.Bind.Where(e => !PgmEndpoint.IsPgm(e))],
        Connect = [.. _options.Connect.Where(e => !PgmEndpoint.IsPgm(e))],
        Pgm = [.. _options.Bind.Concat(_options.Connect).Where(PgmEndpoint.IsPgm)],
        PgmOptions = _options.Pgm,
        PgmLinger = _options.Linger,
        SnapshotBind = _options.SnapshotBind,
        SnapshotsBesideData = _options.SnapshotsBesideData,

        // In Wait mode the socket has no message limit: the bytes ZeroMQ holds are the bound.
        SendHighWatermark = wait ? 0 : _options.SendHighWatermark,
        Linger = _options.Linger,
        HeartbeatInterval = _options.HeartbeatInterval,
        HeartbeatTimeout = _options.HeartbeatTimeout,
        CurveSecretKey = _options.CurveSecretKey,
        CurveServerKey = _options.CurveServerKey,
        EntitlementSecret = _options.EntitlementSecret,
        WindowBytes = _options.RetransmitWindowBytes,
        WindowAge = _options.RetransmitWindowAge,
    };

    private void Run()
    {
        using var monitorPoller = new NetMQPoller();
        _drained = new QueuedRecord<T>[Math.Min(MaxRoundRecords, _queue.Capacity)];
        _next = new int[_drained.Length];
        using var records = _records = new GrowableBuffer(_options.MaxBatchBytes + 4096);
        using var header = _header = new GrowableBuffer(512);
        bool owned = false;
        try
        {
            bool wait = _options.SlowSubscriberMode == SlowSubscriberMode.Wait;
            _node = new DistributionNode(NodeOptions(wait), _lastValues, monitorPoller, _logger, waitForSubscribers: wait);

            // A background thread: RunAsync(name) alone starts a foreground one, which kept any process
            // that never disposed its publisher alive after Main had returned.
            monitorPoller.RunAsync("telemetry-pub-monitor", isBackgroundThread: true);
            _started.SetResult(_node.BoundEndpoints);
            while (true)
            {
                // Held for the whole iteration but for the sleeps, when callers may run rounds.
                Own();
                owned = true;
                Flushes.Report(_processed);
                _node.ReceiveSubscriptions(this);
                Volatile.Write(ref _subscriptionCount, _subscriptions.Count);
                _node.Snapshots?.Serve();
                if (SubscribersAreBehind(_node))
                {
                    // A millisecond, then subscriptions are read again: that also lets the socket
                    // process NetMQ's commands, among them the end of a departed subscriber's pipe,
                    // which releases what was queued for it.
                    Volatile.Write(ref _subscriberWaits, _subscriberWaits + 1);
                    owned = false;
                    Disown();
                    Thread.Sleep(1);
                    continue;
                }

                SendHeartbeats(_node, header);
                _budget.Wait(() => _stopping);
                int count = _queue.DrainTo(_drained);
                if (count == 0)
                {
                    if (_stopping)
                    {
                        break;
                    }

                    if (_node.Conflation.HasWork)
                    {
                        _node.EndRound(); // the conflated feed's latest values, when its interval is up
                    }

                    owned = false;
                    Disown();
                    Idle();
                    continue;
                }

                RunRound(_node, count);
                owned = false;
                Disown();
            }

            Flushes.Report(_processed);
            Log.PublisherStopped(_logger, _options.Name, _sent, _batches);
        }
        catch (Exception ex) when (!_started.Task.IsCompleted)
        {
            _started.SetException(ex);
        }
        catch (Exception ex)
        {
            Log.SenderFailed(_logger, ex, _options.Name);
        }
        finally
        {
            _stopping = true;

            // A caller may be in a round: the node is closed only once it is ours, and no caller
            // starts another (they see _stopping).
            if (!owned)
            {
                Own();
            }

            if (monitorPoller.IsRunning)
            {
                monitorPoller.Stop();
            }

            _node?.Dispose();
            _lastValues.Dispose();
            Flushes.Stopped();
            _stopped.TrySetResult();
        }
    }

    /// <summary>True while the sender must take no more records: Wait mode and ZeroMQ's queues over budget.</summary>
    private bool SubscribersAreBehind(DistributionNode node) => !_stopping && node.QueuedBytes > _options.SendBufferBytes;

    private void Idle()
    {
        _wake.Reset();
        Volatile.Write(ref _sleeping, 1);
        Interlocked.MemoryBarrier();
        if (_queue.IsEmpty && !_stopping)
        {
            // A timeout, not an indefinite wait: subscriptions arriving while idle must still be read
            // off the socket before they pile up against its high-water mark.
            _wake.Wait(_node?.Repairs.HasWork == true ? TimeSpan.FromMilliseconds(1) : IdleWait);
        }

        Volatile.Write(ref _sleeping, 0);
    }

    /// <summary>Sends the <paramref name="count"/> records just drained, counts them processed and charges the message budget; by the holder of <c>_owned</c>.</summary>
    private void RunRound(DistributionNode node, int count)
    {
        long batchesBefore = _batches;
        SendRound(node, _drained.AsSpan(0, count));
        _processed += count;
        _budget.Charge(_batches - batchesBefore);
    }

    private void SendRound(DistributionNode node, Span<QueuedRecord<T>> drained)
    {
        var next = _next;
        var records = _records!;
        var header = _header!;
        // Chain each topic's records in arrival order; topics are then visited once per round.
        for (int i = 0; i < drained.Length; i++)
        {
            var topic = drained[i].Topic;
            next[i] = -1;
            if (topic.RoundCount == 0)
            {
                topic.RoundHead = i;
                _roundTopics.Add(topic);
            }
            else
            {
                next[topic.RoundTail] = i;
            }

            topic.RoundTail = i;
            topic.RoundCount++;
        }

        long sentNs = UnixClock.NowNs();
        long nowMs = Environment.TickCount64;
        foreach (var topic in _roundTopics)
        {
            if (IsWanted(node, topic))
            {
                topic.WantedMs = nowMs;
                SendTopic(node, topic, drained, next, records, header, sentNs, send: true);
                MarkActive(topic, nowMs);
            }
            else if (nowMs - topic.WantedMs <= _windowAgeMs)
            {
                // Its last subscriber left within the window's age, maybe the only relay or sink
                // below, restarting: keep encoding into the window (not sending), so what it
                // missed meanwhile can be repaired when it is back.
                _droppedUnsubscribed += topic.RoundCount;
                SendTopic(node, topic, drained, next, records, header, sentNs, send: false);
                MarkActive(topic, nowMs);
            }
            else
            {
                // Not sent, but numbered: sequence numbers count every published record, so the
                // last-value store always holds a record with its true sequence number.
                _droppedUnsubscribed += topic.RoundCount;
                topic.NextSequence += (ulong)topic.RoundCount;
            }

            _lastValues.Remember(topic, drained[topic.RoundTail].Record);
            topic.RoundCount = 0;
            topic.RoundHead = topic.RoundTail = -1;
        }

        _roundTopics.Clear();
        node.EndRound();
        if (System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            drained.Clear();
        }
    }

    private void SendTopic(DistributionNode node, PublisherTopic topic, Span<QueuedRecord<T>> drained, int[] next, GrowableBuffer records, GrowableBuffer header, long sentNs, bool send)
    {
        if (topic.StreamKey.Length == 0)
        {
            topic.StreamKey = RepairProtocol.StreamKey(topic.Name, _options.Name, Session);
        }

        int index = topic.RoundHead;
        while (index >= 0)
        {
            records.Reset();
            var writer = new MessagePackWriter(records);
            int count = 0;
            while (index >= 0 && count < _options.MaxBatchRecords)
            {
                _format.Write(ref writer, in drained[index].Record);
                index = next[index];
                count++;
                if ((count & 15) == 0)
                {
                    writer.Flush();
                    if (records.WrittenCount >= _options.MaxBatchBytes)
                    {
                        break;
                    }
                }
            }

            writer.Flush();
            header.Reset();
            var headerWriter = new MessagePackWriter(header);
            EnvelopeWriter.WriteHeader(ref headerWriter, _publisherUtf8, Session, topic.NextSequence, sentNs, topic.KindUtf8, count);
            headerWriter.Flush();
            if (!send)
            {
                node.Retain(topic.NameUtf8, header.WrittenSpan, records.WrittenSpan, topic.StreamKey, topic.NextSequence, count);
                topic.NextSequence += (ulong)count;
                continue;
            }

            node.Send(topic.NameUtf8, header.WrittenSpan, records.WrittenSpan, topic.StreamKey, topic.NextSequence, count);
            topic.NextSequence += (ulong)count;
            Volatile.Write(ref _sent, _sent + count);
            Volatile.Write(ref _batches, _batches + 1);
            Volatile.Write(ref _bytes, _bytes + header.WrittenCount + records.WrittenCount);
        }
    }

    private void MarkActive(PublisherTopic topic, long nowMs)
    {
        topic.SentMs = nowMs;
        if (!topic.Active && _heartbeatMs > 0)
        {
            topic.Active = true;
            _activeTopics.Add(topic);
        }
    }

    /// <summary>
    /// Once per heartbeat interval, an empty batch with the next sequence number for each wanted topic
    /// that sent within the window's age but not since the last heartbeat (docs/wire-format.md,
    /// section 14): a receiver that lost the tail of a quiet stream learns of it and asks for it.
    /// </summary>
    private void SendHeartbeats(DistributionNode node, GrowableBuffer header)
    {
        long now = Environment.TickCount64;
        if (_heartbeatMs <= 0 || now < _nextHeartbeatMs)
        {
            return;
        }

        _nextHeartbeatMs = now + _heartbeatMs;
        long sentNs = UnixClock.NowNs();

        // At most MaxHeartbeatsPerInterval a round, taken in turn: a publisher with 100,000 quiet
        // topics sends each its heartbeat every 100 intervals rather than 100,000 messages a second.
        int sent = 0;
        for (int n = _activeTopics.Count; n > 0 && sent < MaxHeartbeatsPerInterval; n--)
        {
            _heartbeatCursor = (_heartbeatCursor == 0 || _heartbeatCursor > _activeTopics.Count ? _activeTopics.Count : _heartbeatCursor) - 1;
            int i = _heartbeatCursor;
            var topic = _activeTopics[i];
            if (now - topic.SentMs > Math.Max(_heartbeatForMs, _heartbeatMs))
            {
                // Quiet for longer than the window's age: nothing of it is kept, nothing to tell.
                topic.Active = false;
                _activeTopics[i] = _activeTopics[^1];
                _activeTopics.RemoveAt(_activeTopics.Count - 1);
                continue;
            }

            if (now - topic.SentMs < _heartbeatMs || !IsWanted(node, topic))
            {
                continue;
            }

            header.Reset();
            var writer = new MessagePackWriter(header);
            EnvelopeWriter.WriteHeader(ref writer, _publisherUtf8, Session, topic.NextSequence, sentNs, topic.KindUtf8, 0);
            writer.Flush();
            node.Send(topic.NameUtf8, header.WrittenSpan, default, topic.StreamKey, topic.NextSequence, 0);
            _heartbeats++;
            sent++;
        }

        node.EndRound();
    }

    private bool IsWanted(DistributionNode node, PublisherTopic topic)
    {
        if (!node.Pgm.IsEmpty)
        {
            return true;
        }

        if (topic.WantedVersion != _subscriptions.Version)
        {
            topic.Wanted = _subscriptions.Matches(topic.NameUtf8);
            topic.WantedVersion = _subscriptions.Version;
        }

        return topic.Wanted;
    }
}
