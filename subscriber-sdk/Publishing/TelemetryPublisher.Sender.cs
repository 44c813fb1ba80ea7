using MessagePack;
using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Monitoring;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Wire;

namespace Telemetry;

/// <content>The sender thread: drain, group by topic, encode one batch per topic, send.</content>
public sealed partial class TelemetryPublisher<T>
{
    // Most records taken from the queue in one round; bounds the latency a huge backlog adds to a
    // subscription change and the size of the per-round arrays.
    private const int MaxRoundRecords = 16_384;
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(50);

    private readonly List<PublisherTopic> _roundTopics = [];
    private readonly PrefixSet _subscriptions = new();
    private long _processed;
    private long _sent;
    private long _batches;
    private long _bytes;
    private long _droppedUnsubscribed;
    private int _subscriptionCount;
    private int _connections;

    private void RunSender()
    {
        XPublisherSocket? socket = null;
        RouterSocket? snapshots = null;
        NetMQMonitor? monitor = null;
        using var monitorPoller = new NetMQPoller();
        var drained = new QueuedRecord[Math.Min(MaxRoundRecords, _queue.Capacity)];
        var next = new int[drained.Length];
        using var records = new GrowableBuffer(_options.MaxBatchBytes + 4096);
        using var header = new GrowableBuffer(512);
        var publisherUtf8 = System.Text.Encoding.UTF8.GetBytes(_options.Name);
        try
        {
            socket = CreateSocket();

            // The monitor before any bind or connect: a peer that connects at once must be counted.
            monitor = StartMonitor(socket, monitorPoller);
            var bound = AttachEndpoints(socket);
            bound.AddRange(OpenPgmOutputs());
            snapshots = OpenSnapshotSocket();
            _started.SetResult(bound);
            while (true)
            {
                ReceiveSubscriptions(socket);
                if (snapshots is not null)
                {
                    ServeSnapshots(snapshots, records, publisherUtf8);
                }

                if (SubscribersAreBehind())
                {
                    PauseForSubscribers();
                    continue;
                }

                WaitForMessageBudget();
                int count = _queue.DrainTo(drained);
                if (count == 0)
                {
                    if (_stopping)
                    {
                        break;
                    }

                    Idle();
                    continue;
                }

                long batchesBefore = _batches;
                SendRound(socket, drained.AsSpan(0, count), next, records, header, publisherUtf8);
                Volatile.Write(ref _processed, _processed + count);
                ChargeMessageBudget(_batches - batchesBefore);
            }

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
            if (monitorPoller.IsRunning)
            {
                monitorPoller.Stop();
            }

            monitor?.DetachFromPoller();
            monitor?.Dispose();
            snapshots?.Dispose();
            ClosePgm();
            socket?.Dispose();
            _sentBytes?.Dispose();
            _stopped.TrySetResult();
        }
    }

    private XPublisherSocket CreateSocket()
    {
        var socket = new XPublisherSocket();
        socket.Options.SendHighWatermark = SocketSendHighWatermark;
        socket.Options.Linger = _options.Linger;
        NetMqRuntime.ApplyLinkOptions(socket, _options.HeartbeatInterval, _options.HeartbeatTimeout);
        Curve.ApplyServer(socket, _options.CurveSecretKey is not null && _options.CurveServerKey is null ? _options.CurveSecretKey : null);
        Curve.ApplyClient(socket, _options.CurveServerKey, _options.CurveSecretKey);
        SetUpEntitlements(socket);
        return socket;
    }

    private List<string> AttachEndpoints(XPublisherSocket socket)
    {
        var bound = new List<string>();
        foreach (var endpoint in _options.Bind.Where(e => !IsPgm(e)))
        {
            socket.Bind(endpoint);
            bound.Add(socket.Options.LastEndpoint ?? endpoint);
        }

        foreach (var endpoint in _options.Connect.Where(e => !IsPgm(e)))
        {
            socket.Connect(endpoint);
        }

        return bound;
    }

    private NetMQMonitor StartMonitor(XPublisherSocket socket, NetMQPoller poller)
    {
        var monitor = new NetMQMonitor(socket, $"inproc://telemetry-pub-monitor-{Session:x16}", SocketEvents.Accepted | SocketEvents.Connected | SocketEvents.Disconnected);
        monitor.Accepted += (_, _) => Interlocked.Increment(ref _connections);
        monitor.Connected += (_, _) => Interlocked.Increment(ref _connections);
        monitor.Disconnected += (_, _) => Interlocked.Decrement(ref _connections);

        // AttachToPoller connects the monitor's own socket before returning (StartAsync does it later,
        // on another thread, and events raised before that are lost).
        monitor.AttachToPoller(poller);

        // A background thread: RunAsync(name) alone starts a foreground one, which kept any process
        // that never disposed its publisher alive after Main had returned.
        poller.RunAsync("telemetry-pub-monitor", isBackgroundThread: true);
        return monitor;
    }

    private void Idle()
    {
        _wake.Reset();
        Volatile.Write(ref _sleeping, 1);
        Interlocked.MemoryBarrier();
        if (_queue.IsEmpty && !_stopping)
        {
            // A timeout, not an indefinite wait: subscriptions arriving while idle must still be read
            // off the socket before they pile up against its high-water mark.
            _wake.Wait(IdleWait);
        }

        Volatile.Write(ref _sleeping, 0);
    }

    private void ReceiveSubscriptions(XPublisherSocket socket)
    {
        var msg = default(Msg);
        msg.InitEmpty();
        try
        {
            while (socket.TryReceive(ref msg, TimeSpan.Zero))
            {
                var frame = msg.Slice();
                if (_gate is not null)
                {
                    ApplyGate(_gate.Handle(socket, frame));
                    continue;
                }

                if (frame.Length == 0 || frame[0] > 1)
                {
                    continue;
                }

                var prefix = frame[1..];
                if (prefix.StartsWith(BarrierPrefixUtf8))
                {
                    // A snapshot requester's barrier, not interest in data: see SnapshotProtocol.
                    NoteBarrier(frame[0] == 1, prefix[BarrierPrefixUtf8.Length..]);
                    continue;
                }

                bool changed = frame[0] == 1 ? _subscriptions.Add(prefix) : _subscriptions.Remove(prefix);
                if (changed && _logger.IsEnabled(LogLevel.Debug))
                {
                    Log.SubscriptionChanged(_logger, frame[0] == 1 ? "added" : "removed", System.Text.Encoding.UTF8.GetString(prefix));
                }
            }
        }
        finally
        {
            msg.Close();
        }

        _gate?.EndOfBatch();
        Volatile.Write(ref _subscriptionCount, _subscriptions.Count);
    }

    private void SendRound(XPublisherSocket socket, Span<QueuedRecord> drained, int[] next, GrowableBuffer records, GrowableBuffer header, byte[] publisherUtf8)
    {
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
        foreach (var topic in _roundTopics)
        {
            if (IsWanted(topic))
            {
                SendTopic(socket, topic, drained, next, records, header, publisherUtf8, sentNs);
            }
            else
            {
                // Not sent, but numbered: sequence numbers count every published record, so the
                // last-value cache below always holds a record with its true sequence number.
                _droppedUnsubscribed += topic.RoundCount;
                topic.NextSequence += (ulong)topic.RoundCount;
            }

            RememberLast(topic, drained[topic.RoundTail].Record);
            topic.RoundCount = 0;
            topic.RoundHead = topic.RoundTail = -1;
        }

        _roundTopics.Clear();
        FlushPgm();
        if (System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            drained.Clear();
        }
    }

    private void SendTopic(XPublisherSocket socket, PublisherTopic topic, Span<QueuedRecord> drained, int[] next, GrowableBuffer records, GrowableBuffer header, byte[] publisherUtf8, long sentNs)
    {
        int index = topic.RoundHead;
        while (index >= 0)
        {
            records.Reset();
            var writer = new MessagePackWriter(records);
            int count = 0;
            while (index >= 0 && count < _options.MaxBatchRecords)
            {
                T.Write(ref writer, in drained[index].Record);
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
            EnvelopeWriter.WriteHeader(ref headerWriter, publisherUtf8, Session, topic.NextSequence, sentNs, topic.KindUtf8, count);
            headerWriter.Flush();
            using (ClaimSendBuffers())
            {
                SendMessage(socket, topic.NameUtf8, header.WrittenSpan, records.WrittenSpan);
            }

            WritePgm(topic.NameUtf8, header.WrittenSpan, records.WrittenSpan);
            topic.NextSequence += (ulong)count;
            _sent += count;
            _batches++;
            _bytes += header.WrittenCount + records.WrittenCount;
        }
    }

    private static void SendMessage(XPublisherSocket socket, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> header, ReadOnlySpan<byte> records)
    {
        var msg = default(Msg);
        msg.InitPool(topic.Length);
        topic.CopyTo(msg.Slice());
        socket.Send(ref msg, more: true);
        msg.Close();

        // NetMQ keeps the pooled array until the I/O thread has written it, so the batch is copied
        // once into a message-owned buffer; the encode buffers are reused at once.
        msg.InitPool(header.Length + records.Length);
        var body = msg.Slice();
        header.CopyTo(body);
        records.CopyTo(body[header.Length..]);
        socket.Send(ref msg, more: false);
        msg.Close();
    }

    private bool IsWanted(PublisherTopic topic)
    {
        if (_pgm.Count > 0)
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
