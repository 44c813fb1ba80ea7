using MessagePack;
using NetMQ;
using Telemetry.Internal;
using Telemetry.Subscribing;
using Telemetry.Wire;

namespace Telemetry;

/// <content>The receive thread: frames, envelope, sequence tracking, hand-off.</content>
public sealed partial class TelemetrySubscriber
{
    // Messages read per poller wake-up before commands (subscribe, stop) get a turn.
    private const int MaxMessagesPerWake = 4096;
    private Msg _topicMsg;
    private Msg _bodyMsg;
    private long _messages;
    private long _bytes;
    private long _records;
    private long _gaps;
    private long _missing;
    private long _restarts;
    private long _duplicates;
    private long _receiveFailures;
    private long _kindMismatch;
    private long _untracked;
    private long _handlerErrors;

    private void OnReceiveReady(object? sender, NetMQSocketEventArgs e)
    {
        if (!_topicMsg.IsInitialised)
        {
            _topicMsg.InitEmpty();
            _bodyMsg.InitEmpty();
        }

        try
        {
            for (int i = 0; i < MaxMessagesPerWake && _disposed == 0; i++)
            {
                if (!MessageFrames.TryReceive(_socket, ref _topicMsg, ref _bodyMsg, out var error))
                {
                    break;
                }

                _messages++;
                if (error != DecodeError.None)
                {
                    _rejected.Add(error);
                    continue;
                }

                _bytes += _bodyMsg.Size;
                ProcessBatch(_topicMsg.Slice(), _bodyMsg.SliceAsMemory());
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing a peer sends may stop delivery: count it, log it, carry on with the next message.
            _receiveFailures++;
            Log.ReceiveFailed(_logger, ex);
        }
    }

    [System.Runtime.CompilerServices.SkipLocalsInit]
    private void ProcessBatch(ReadOnlySpan<byte> topicUtf8, ReadOnlyMemory<byte> body)
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
        string topicName, publisher, kind;
        if (stream is null)
        {
            if (_untracked++ == 0)
            {
                Log.StreamLimitReached(_logger, _tracker.MaxStreams);
            }

            topicName = topic.ToString();
            publisher = System.Text.Encoding.UTF8.GetString(publisherUtf8);
            kind = System.Text.Encoding.UTF8.GetString(kindUtf8);
        }
        else
        {
            if (!Sequence(stream, envelope, out skip))
            {
                return;
            }

            if (!kindUtf8.SequenceEqual(stream.KindUtf8))
            {
                stream.KindUtf8 = kindUtf8.ToArray();
                stream.Kind = System.Text.Encoding.UTF8.GetString(kindUtf8);
            }

            (topicName, publisher, kind) = (stream.Topic, stream.Publisher, stream.Kind);
        }

        var records = body[envelope.RecordsOffset..];
        if (skip > 0 && !TrySkipRecords(ref records, skip))
        {
            return;
        }

        var header = new BatchHeader(topicName, publisher, envelope.Session, envelope.FirstSequence + (ulong)skip, envelope.SentUnixNs, kind, envelope.Count - skip);
        Deliver(header, records);
    }

    /// <summary>Applies the batch to its stream; false when nothing of it is new.</summary>
    private bool Sequence(StreamTracker.Stream stream, in Envelope envelope, out int skip)
    {
        switch (StreamTracker.Apply(stream, envelope.Session, envelope.FirstSequence, envelope.Count, out skip, out ulong previous))
        {
            case SequenceVerdict.Gap:
                _gaps++;
                _missing += (long)(envelope.FirstSequence - previous);
                Log.GapDetected(_logger, stream.Topic, stream.Publisher, previous, envelope.FirstSequence - 1);
                Raise(GapDetected, new GapEventArgs(stream.Topic, stream.Publisher, envelope.Session, previous, envelope.FirstSequence - 1));
                return true;
            case SequenceVerdict.Restart:
                _restarts++;
                Log.PublisherRestarted(_logger, stream.Publisher, stream.Topic, previous, envelope.Session);
                Raise(PublisherRestarted, new PublisherRestartedEventArgs(stream.Topic, stream.Publisher, previous, envelope.Session, envelope.FirstSequence));
                return true;
            case SequenceVerdict.Duplicate:
                _duplicates += envelope.Count;
                return false;
            case SequenceVerdict.Overlap:
                _duplicates += skip;
                return true;
            default:
                return true;
        }
    }

    private bool TrySkipRecords(ref ReadOnlyMemory<byte> records, int skip)
    {
        try
        {
            var reader = new MessagePackReader(records);
            for (int i = 0; i < skip; i++)
            {
                Wire.BoundedSkip.Skip(ref reader);
            }

            records = records[(int)reader.Consumed..];
            return true;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException)
        {
            _rejected.Add(DecodeError.BadRecord);
            return false;
        }
    }

    private void Deliver(in BatchHeader header, ReadOnlyMemory<byte> records)
    {
        try
        {
            _handler!(new RecordBatch(header, records));
            _records += header.Count;
        }
        catch (RecordDecodeException)
        {
            _rejected.Add(DecodeError.BadRecord);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _handlerErrors++;
            Log.HandlerFailed(_logger, ex);
        }
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _handlerErrors++;
            Log.HandlerFailed(_logger, ex);
        }
    }
}
