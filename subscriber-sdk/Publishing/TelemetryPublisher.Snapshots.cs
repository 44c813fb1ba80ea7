using System.Text;
using MessagePack;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Snapshots;
using Telemetry.Wire;

namespace Telemetry;

/// <content>
/// The last-value cache and the late-join snapshot service, both on the sender thread: the cache is
/// written as batches are sent and read while answering, so a snapshot is exactly the state just
/// before the next record any subscriber receives.
/// </content>
public sealed partial class TelemetryPublisher<T>
{
    // Snapshot records written per sender round at most (a request is answered whole, so one large
    // request may go past it): however many requesters are ready, data goes out every round.
    private const int SnapshotRecordsPerRound = 4096;

    private static ReadOnlySpan<byte> BarrierPrefixUtf8 => "_snap."u8;

    private readonly Queue<SnapshotRequest> _readySnapshots = new();
    private SnapshotIntake<SnapshotRequest>? _snapshotIntake;
    private T[] _lastValues = new T[64];

    /// <summary>Snapshot requests answered since start.</summary>
    internal long SnapshotsServed => _snapshotIntake?.Stats.Answered ?? 0;

    private SnapshotStats SnapshotStats => _snapshotIntake?.Stats ?? default;

    private RouterSocket? OpenSnapshotSocket()
    {
        if (_options.SnapshotBind.Count == 0)
        {
            return null;
        }

        _snapshotIntake = new SnapshotIntake<SnapshotRequest>(_entitlementSecret, _logger, $"Publisher {_options.Name}", static r => r, _readySnapshots.Enqueue);
        var router = new RouterSocket();
        try
        {
            router.Options.Linger = TimeSpan.Zero;
            router.Options.SendHighWatermark = 1_000_000;
            router.Options.MaxMsgSize = SnapshotProtocol.MaxRequestFrameBytes;
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

    private void NoteBarrier(bool subscribe, ReadOnlySpan<byte> nonce) =>
        _snapshotIntake?.NoteBarrier(subscribe, Encoding.UTF8.GetString(nonce));

    /// <summary>One round of the snapshot service: a bounded read of requests, expiry, and answers within the round's budget.</summary>
    private void ServeSnapshots(RouterSocket router, GrowableBuffer records, byte[] publisherUtf8)
    {
        var intake = _snapshotIntake!;
        intake.Receive(router);
        intake.Expire(_ => intake.CountExpired());
        int budget = SnapshotRecordsPerRound;
        while (budget > 0 && _readySnapshots.TryDequeue(out var request))
        {
            // Ready means the barrier came; the request may have expired since (its entry is gone).
            if (intake.Pending.Remove(request.Nonce))
            {
                budget -= Answer(router, request, records, publisherUtf8);
                intake.CountAnswered();
            }
        }
    }

    private int Answer(RouterSocket router, SnapshotRequest request, GrowableBuffer records, byte[] publisherUtf8)
    {
        byte[] nonce = Encoding.UTF8.GetBytes(request.Nonce);
        long sentNs = UnixClock.NowNs();
        int count = 0;
        foreach (var topic in _topics.Values)
        {
            if (topic.LastSequence == 0 || topic.Index >= _lastValues.Length || !request.Allows(topic.Name))
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
        return count + 1;
    }
}
