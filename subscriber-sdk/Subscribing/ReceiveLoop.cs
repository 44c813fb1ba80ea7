using Microsoft.Extensions.Logging;
using NetMQ;
using Telemetry.Internal;
using Telemetry.Wire;

namespace Telemetry.Subscribing;

/// <summary>
/// A subscriber's receive path, on its receive thread: frames (<see cref="MessageFrames"/>), the
/// inbound validator, sequence tracking per (publisher, session, topic) with gap, restart and
/// duplicate verdicts, and the hand-off of each new run of records to the consumers. Snapshot
/// answers come through <see cref="Process"/> like live batches, so whichever arrives first wins.
/// </summary>
internal sealed class ReceiveLoop
{
    // Messages read per poller wake-up before commands (subscribe, stop) get a turn.
    private const int MaxMessagesPerWake = 4096;

    private readonly NetMQSocket _socket;
    private readonly StreamTracker _tracker;
    private readonly RejectedInput _rejected;
    private readonly SubscriberCounters _counters;
    private readonly BatchConsumers _consumers;
    private readonly ILogger _logger;
    private readonly Action<GapEventArgs> _gap;
    private readonly Action<PublisherRestartedEventArgs> _restart;
    private readonly GapRecovery _recovery;

    // Which streams' jumps forward are conflation, not loss (and the switch to the conflated feed).
    private readonly ConflationSwitch _conflation;
    private Msg _topic;
    private Msg _body;
    private volatile bool _stopping;

    public ReceiveLoop(NetMQSocket socket, StreamTracker tracker, RejectedInput rejected, SubscriberCounters counters, BatchConsumers consumers, ILogger logger, Action<GapEventArgs> gap, Action<PublisherRestartedEventArgs> restart, GapRecovery recovery, ConflationSwitch conflation)
    {
        _conflation = conflation;
        _recovery = recovery;
        _socket = socket;
        _tracker = tracker;
        _rejected = rejected;
        _counters = counters;
        _consumers = consumers;
        _logger = logger;
        _gap = gap;
        _restart = restart;
        _topic.InitEmpty();
        _body.InitEmpty();
    }

    /// <summary>No more messages are read after the current one: the subscriber is closing.</summary>
    public void Stop() => _stopping = true;

    /// <summary>Reads what the socket has, a bounded number of messages per call.</summary>
    public void OnReceiveReady()
    {
        try
        {
            for (int i = 0; i < MaxMessagesPerWake && !_stopping; i++)
            {
                if (!MessageFrames.TryReceive(_socket, ref _topic, ref _body, out var error))
                {
                    break;
                }

                _counters.Messages++;
                if (error != DecodeError.None)
                {
                    _rejected.Add(error);
                    continue;
                }

                _counters.Bytes += _body.Size;
                if (RepairProtocol.IsAnswerTopic(_topic.Slice()))
                {
                    _recovery.Client.OnAnswer(_topic.Slice(), _body.SliceAsMemory());
                    continue;
                }

                if (ConflationProtocol.IsConflated(_topic.Slice()))
                {
                    // The conflated feed's latest value of a topic: a batch like any other, whose
                    // jumps in sequence were made on purpose (docs/wire-format.md, section 15).
                    Process(ConflationProtocol.DataTopic(_topic.Slice()), _body.SliceAsMemory());
                    continue;
                }

                Process(_topic.Slice(), _body.SliceAsMemory());
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing a peer sends may stop delivery: count it, log it, carry on with the next message.
            _counters.ReceiveFailures++;
            Log.ReceiveFailed(_logger, ex);
        }
    }

    /// <summary>Validates one message, applies it to its stream and delivers what is new.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public void Process(ReadOnlySpan<byte> topicUtf8, ReadOnlyMemory<byte> body, bool fromSnapshot = false)
    {
        // A constant size, never the wire's: the validator refuses topics longer than this.
        Span<char> topicChars = stackalloc char[InboundValidator.MaxTopicChars];
        var error = InboundValidator.Validate(topicUtf8, body, topicChars, out int length, out var envelope);
        if (error != DecodeError.None)
        {
            _rejected.Add(error);
            return;
        }

        var topic = topicChars[..length];
        var span = body.Span;
        var publisherUtf8 = span[envelope.Publisher];
        var kindUtf8 = span[envelope.Kind];
        var stream = _tracker.Find(topic, publisherUtf8);
        int skip = 0;
        long conflated = 0;
        string topicName, publisher, kind;
        if (stream is null)
        {
            if (_counters.Untracked++ == 0)
            {
                Log.StreamLimitReached(_logger, _tracker.MaxStreams);
            }

            topicName = topic.ToString();
            publisher = System.Text.Encoding.UTF8.GetString(publisherUtf8);
            kind = System.Text.Encoding.UTF8.GetString(kindUtf8);
        }
        else
        {
            if (!kindUtf8.SequenceEqual(stream.KindUtf8))
            {
                stream.KindUtf8 = kindUtf8.ToArray();
                stream.Kind = System.Text.Encoding.UTF8.GetString(kindUtf8);
            }

            if (fromSnapshot && stream.ResyncEnd != 0 && envelope.Session == stream.Session && envelope.Count == 1
                && envelope.FirstSequence >= stream.ResyncFrom && envelope.FirstSequence < stream.ResyncEnd)
            {
                // The current value of a topic whose tail was lost: delivered, marked as a resync.
                stream.ResyncEnd = 0;
                _counters.Resynced++;
                _consumers.Deliver(new RecordBatch(
                    new BatchHeader(stream.Topic, stream.Publisher, stream.Session, envelope.FirstSequence, envelope.SentUnixNs, stream.Kind, 1, Resync: true),
                    body[envelope.RecordsOffset..]));
                return;
            }

            if (stream.Recovery is not null)
            {
                if (envelope.Session == stream.Session)
                {
                    _recovery.Accept(stream, envelope, body[envelope.RecordsOffset..], repaired: false);
                    return;
                }

                // A new session: the old one's missing records will not come.
                _recovery.GiveUpAll(stream, "publisher restarted");
            }

            if (!Sequence(stream, envelope, body, out skip, out conflated))
            {
                return;
            }

            (topicName, publisher, kind) = (stream.Topic, stream.Publisher, stream.Kind);
        }

        // An empty batch is a stream heartbeat: it has told the tracker where the stream is.
        if (envelope.Count == 0)
        {
            return;
        }

        var records = body[envelope.RecordsOffset..];
        if (skip > 0 && !BoundedSkip.TrySlice(records, skip, take: -1, out records))
        {
            _rejected.Add(DecodeError.BadRecord);
            return;
        }

        var header = new BatchHeader(topicName, publisher, envelope.Session, envelope.FirstSequence + (ulong)skip, envelope.SentUnixNs, kind, envelope.Count - skip, Conflated: conflated);
        _consumers.Deliver(new RecordBatch(header, records));
    }

    /// <summary>Applies the batch to its stream; false when nothing of it is new.</summary>
    private bool Sequence(StreamTracker.Stream stream, in Envelope envelope, ReadOnlyMemory<byte> body, out int skip, out long conflated)
    {
        conflated = 0;
        switch (StreamTracker.Apply(stream, envelope.Session, envelope.FirstSequence, envelope.Count, out skip, out ulong previous))
        {
            case SequenceVerdict.Gap when _conflation.Applies(stream):
                conflated = (long)(envelope.FirstSequence - previous);
                _conflation.OnJump(stream, conflated);
                return true;
            case SequenceVerdict.Gap when _recovery.Enabled:
                // Asked for, not yet reported: only what no window holds is a gap.
                _recovery.OnGap(stream, envelope, body[envelope.RecordsOffset..], previous);
                return false;
            case SequenceVerdict.Gap:
                _counters.Gaps++;
                _counters.Missing += (long)(envelope.FirstSequence - previous);
                Log.GapDetected(_logger, stream.Topic, stream.Publisher, previous, envelope.FirstSequence - 1);
                _gap(new GapEventArgs(stream.Topic, stream.Publisher, envelope.Session, previous, envelope.FirstSequence - 1));
                return true;
            case SequenceVerdict.Restart:
                _counters.Restarts++;
                Log.PublisherRestarted(_logger, stream.Publisher, stream.Topic, previous, envelope.Session);
                _restart(new PublisherRestartedEventArgs(stream.Topic, stream.Publisher, previous, envelope.Session, envelope.FirstSequence));
                return true;
            case SequenceVerdict.Duplicate:
                _counters.Duplicates += envelope.Count;
                return false;
            case SequenceVerdict.Overlap:
                _counters.Duplicates += skip;
                return true;
            default:
                return true;
        }
    }
}
