using System.Text;
using MessagePack;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Wire;

namespace Telemetry;

/// <content>
/// The last-value cache and the late-join snapshot service, both on the sender thread: the cache is
/// written as batches are sent and read while answering, so a snapshot is exactly the state just
/// before the next record any subscriber receives.
/// </content>
public sealed partial class TelemetryPublisher<T>
{
    private static ReadOnlySpan<byte> BarrierPrefixUtf8 => "_snap."u8;

    private readonly List<SnapshotRequest> _pendingSnapshots = [];
    private readonly HashSet<string> _barriers = new(StringComparer.Ordinal);

    // Reused for every request: the sender thread polls the snapshot socket on every round.
    private readonly List<byte[]> _snapshotFrames = [];
    private T[] _lastValues = new T[64];
    private long _snapshotsServed;

    /// <summary>Snapshot requests answered since start.</summary>
    internal long SnapshotsServed => Volatile.Read(ref _snapshotsServed);

    private RouterSocket? OpenSnapshotSocket()
    {
        if (_options.SnapshotBind.Count == 0)
        {
            return null;
        }

        var router = new RouterSocket();
        try
        {
            router.Options.Linger = TimeSpan.Zero;
            router.Options.SendHighWatermark = 1_000_000;
            Curve.ApplyServer(router, _options.CurveSecretKey);
            foreach (var endpoint in _options.SnapshotBind)
            {
                router.Bind(endpoint);
            }

            return router;
        }
        catch
        {
            router.Dispose();
            throw;
        }
    }

    private void RememberLast(PublisherTopic topic, in T record)
    {
        if (topic.Index >= _lastValues.Length)
        {
            Array.Resize(ref _lastValues, Math.Max(_lastValues.Length * 2, topic.Index + 1));
        }

        _lastValues[topic.Index] = record;
    }

    private void NoteBarrier(bool subscribe, ReadOnlySpan<byte> nonce)
    {
        string key = Encoding.UTF8.GetString(nonce);
        if (subscribe)
        {
            _barriers.Add(key);
        }
        else
        {
            _barriers.Remove(key);
        }
    }

    private void ServeSnapshots(RouterSocket router, GrowableBuffer records, byte[] publisherUtf8)
    {
        var frames = _snapshotFrames;
        while (router.TryReceiveMultipartBytes(ref frames))
        {
            if (SnapshotProtocol.TryParseRequest(frames, 1, out string nonce, out var prefixes))
            {
                var grant = SnapshotGrant(prefixes, out bool refused);
                _pendingSnapshots.Add(new SnapshotRequest(frames[0], nonce, prefixes, Environment.TickCount64 + (long)SnapshotProtocol.BarrierTimeout.TotalMilliseconds, grant, refused));
            }

            frames.Clear();
        }

        for (int i = _pendingSnapshots.Count - 1; i >= 0; i--)
        {
            var request = _pendingSnapshots[i];
            if (_barriers.Contains(request.Nonce))
            {
                Answer(router, request, records, publisherUtf8);
                _pendingSnapshots.RemoveAt(i);
            }
            else if (Environment.TickCount64 > request.Deadline)
            {
                _pendingSnapshots.RemoveAt(i);
            }
        }
    }

    private void Answer(RouterSocket router, SnapshotRequest request, GrowableBuffer records, byte[] publisherUtf8)
    {
        byte[] nonce = Encoding.UTF8.GetBytes(request.Nonce);
        long sentNs = UnixClock.NowNs();
        int count = 0;
        foreach (var topic in _topics.Values)
        {
            if (topic.LastSequence == 0 || topic.Index >= _lastValues.Length || !SnapshotProtocol.Matches(topic.Name, request.Prefixes)
                || request.Refused || (request.Grant is not null && !request.Grant.Covers(topic.Name)))
            {
                continue;
            }

            records.Reset();
            var writer = new MessagePackWriter(records);
            EnvelopeWriter.WriteHeader(ref writer, publisherUtf8, Session, topic.LastSequence, sentNs, topic.KindUtf8, 1);
            T.Write(ref writer, in _lastValues[topic.Index]);
            writer.Flush();
            router.SendMoreFrame(request.Identity).SendMoreFrame(nonce).SendMoreFrame(topic.NameUtf8).SendFrame(records.WrittenSpan.ToArray());
            count++;
        }

        router.SendMoreFrame(request.Identity).SendMoreFrame(nonce).SendMoreFrameEmpty().SendFrame(SnapshotProtocol.EncodeEnd(count));
        _snapshotsServed++;
    }

    private sealed record SnapshotRequest(byte[] Identity, string Nonce, List<string> Prefixes, long Deadline, Security.EntitlementTokens.Grant? Grant, bool Refused);
}
