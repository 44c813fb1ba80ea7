using NetMQ;
using Telemetry.Internal;
using Telemetry.Transport.Pgm;
using Telemetry.Wire;

namespace Telemetry.Subscribing;

/// <summary>
/// A subscriber's repair requests (docs/wire-format.md, section 14), on its receive thread: for each
/// stream with holes, at most one request in flight, for its oldest hole (capped at
/// <see cref="RepairProtocol.MaxRecordsPerRequest"/>; the rest is asked for next). It goes up the
/// data connection, so it reaches a publisher that binds nothing; the answer comes on
/// <c>_rep.&lt;nonce&gt;</c> and is merged by <see cref="GapRecovery"/>. What is still missing of the
/// range when the answer ends or times out is given up, reported as a gap.
/// </summary>
internal sealed class RepairClient
{
    private const int MaxRetries = 5;
    private const long RetryBackoffMs = 50;
    private const int MaxFinishedKept = 1024;
    private static readonly TimeSpan TimerInterval = TimeSpan.FromMilliseconds(5);

    private readonly NetMQSocket _socket;
    private readonly PrefixSubscriptions _prefixes;
    private readonly GapRecovery _recovery;
    private readonly SubscriberCounters _counters;
    private readonly RejectedInput _rejected;
    private readonly string? _token;
    private readonly long _timeoutMs;
    private readonly int _expectedEnds;
    private readonly NetMQTimer _timer = new(TimerInterval) { Enable = false };
    private readonly HashSet<StreamTracker.Stream> _active = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, StreamTracker.Stream> _byNonce = new(StringComparer.Ordinal);
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private readonly Queue<string> _finishedOrder = new();

    public RepairClient(NetMQSocket socket, PrefixSubscriptions prefixes, SubscriberOptions options, GapRecovery recovery, SubscriberCounters counters, RejectedInput rejected, NetMQPoller poller)
    {
        _socket = socket;
        _prefixes = prefixes;
        _recovery = recovery;
        _counters = counters;
        _rejected = rejected;
        _token = options.EntitlementToken;
        _timeoutMs = (long)options.RepairTimeout.TotalMilliseconds;

        // Every upstream the request goes to ends its answer, and one that holds nothing of the
        // stream says "unknown": wait for all of them before giving up early. Peers that connect to
        // a bound subscriber are not counted here, so there only an answer or the timeout ends it.
        _expectedEnds = options.Bind.Count > 0 ? int.MaxValue : Math.Max(1, options.Connect.Count(e => !PgmEndpoint.IsPgm(e)));
        _timer.Elapsed += (_, _) => OnTimer();
        poller.Add(_timer);
    }

    /// <summary>A stream has holes (or they changed): ask for the oldest when it is due.</summary>
    public void Track(StreamTracker.Stream stream)
    {
        if (stream.Recovery is null)
        {
            return;
        }

        _active.Add(stream);
        _timer.Enable = true;
        TrySend(stream, Environment.TickCount64);
    }

    /// <summary>A stream has no hole any more: its request, if any, is done.</summary>
    public void Untrack(StreamTracker.Stream stream)
    {
        _active.Remove(stream);
        if (stream.Recovery?.Request is { } request)
        {
            End(stream, request);
        }
    }

    /// <summary>A message on a <c>_rep.</c> topic: a batch of an answer, or its end.</summary>
    public void OnAnswer(ReadOnlySpan<byte> topicUtf8, ReadOnlyMemory<byte> body)
    {
        bool isEnd = RepairProtocol.TryDecodeEnd(body.Span, out var outcome);
        var error = isEnd ? DecodeError.None : EnvelopeReader.TryRead(body, out _);
        if (error != DecodeError.None)
        {
            _rejected.Add(error);
            return;
        }

        string nonce = System.Text.Encoding.UTF8.GetString(topicUtf8[RepairProtocol.AnswerPrefix.Length..]);
        if (!_byNonce.TryGetValue(nonce, out var stream) || stream.Forgotten || stream.Recovery?.Request is not { } request || request.Nonce != nonce)
        {
            // The request is over (it timed out, or another path filled the hole). Its batches are
            // still the stream's own records: they fill what is still open, and only the rest is late.
            if (!isEnd && stream is { Forgotten: false, Recovery: not null })
            {
                AcceptLate(stream, body);
            }
            else if (!isEnd)
            {
                EnvelopeReader.TryRead(body, out var late);
                _counters.LateRepairs += late.Count;
            }

            return;
        }

        if (isEnd)
        {
            request.Ends++;
            if (outcome is RepairOutcome.Ok or RepairOutcome.Evicted || request.Ends >= _expectedEnds)
            {
                Finish(stream, request, outcome.ToString().ToLowerInvariant());
            }

            return;
        }

        if (!TryReadBatchOf(stream, body, out var envelope))
        {
            return;
        }

        // The answer is coming: the timeout counts from its latest batch, so a long answer paced by
        // the node (at most half its high-water mark per round) is not given up half way.
        request.DeadlineMs = Environment.TickCount64 + _timeoutMs;
        _recovery.Accept(stream, envelope, body[envelope.RecordsOffset..], repaired: true);
        if (stream.Recovery?.Request == request && !Open(stream.Recovery, request))
        {
            Finish(stream, request, "ok");
        }
    }

    private void AcceptLate(StreamTracker.Stream stream, ReadOnlyMemory<byte> body)
    {
        if (!TryReadBatchOf(stream, body, out var envelope))
        {
            return;
        }

        long before = _counters.Repaired;
        _recovery.Accept(stream, envelope, body[envelope.RecordsOffset..], repaired: true);
        _counters.LateRepairs += envelope.Count - (_counters.Repaired - before);
    }

    /// <summary>Reads an answer batch (already validated); false, counted, when it is not of the stream that was asked for.</summary>
    private bool TryReadBatchOf(StreamTracker.Stream stream, ReadOnlyMemory<byte> body, out Envelope envelope)
    {
        EnvelopeReader.TryRead(body, out envelope);
        if (envelope.Session == stream.Session && body.Span[envelope.Publisher].SequenceEqual(stream.PublisherUtf8))
        {
            return true;
        }

        _rejected.Add(DecodeError.BadField);
        return false;
    }

    private static bool Open(StreamRecovery recovery, Request request) =>
        recovery.Holes.Exists(h => h.First <= request.Last && h.End > request.First);

    /// <summary>Records of <paramref name="first"/>..<paramref name="last"/> still missing.</summary>
    private static ulong Missing(StreamRecovery recovery, ulong first, ulong last)
    {
        ulong missing = 0;
        foreach (var hole in recovery.Holes)
        {
            ulong a = Math.Max(first, hole.First), b = Math.Min(last + 1, hole.End);
            missing += b > a ? b - a : 0;
        }

        return missing;
    }

    private void OnTimer()
    {
        long now = Environment.TickCount64;
        foreach (var stream in _active.ToList())
        {
            if (stream.Forgotten || stream.Recovery is null)
            {
                Untrack(stream);
            }
            else if (stream.Recovery.Request is { } request)
            {
                if (now >= request.DeadlineMs)
                {
                    Finish(stream, request, "timed out");
                }
            }
            else
            {
                TrySend(stream, now);
            }
        }

        _timer.Enable = _active.Count > 0;
    }

    private void TrySend(StreamTracker.Stream stream, long now)
    {
        var recovery = stream.Recovery;
        if (recovery is null || recovery.Request is not null || recovery.Holes.Count == 0 || now < recovery.Holes[0].AskAfterMs)
        {
            return;
        }

        // From the oldest hole on, as far as one request may reach: every hole in between is filled
        // by the same answer, so many small holes (a high-water mark's pattern) cost one request.
        var hole = recovery.Holes[0];
        ulong cap = hole.First + RepairProtocol.MaxRecordsPerRequest - 1;
        int lastHole = recovery.FirstEndingAfter(cap) - 1;
        if (lastHole + 1 < recovery.Holes.Count && recovery.Holes[lastHole + 1].First <= cap)
        {
            lastHole++;
        }

        ulong last = Math.Min(recovery.Holes[Math.Max(lastHole, 0)].End - 1, cap);
        string nonce = RepairProtocol.NewNonce();
        var request = new Request(nonce, hole.First, last, now + _timeoutMs, Missing(recovery, hole.First, last));
        recovery.Request = request;
        _byNonce.Add(nonce, stream);

        // The answer's route first, then the request: one connection keeps their order.
        _prefixes.Send(subscribe: true, RepairProtocol.AnswerTopic(nonce));
        _socket.TrySendFrame(TimeSpan.Zero, RepairProtocol.EncodeRequest(new RepairRequest(nonce, stream.Publisher, stream.Session, stream.Topic, hole.First, last, _token)));
        _counters.RepairRequests++;
    }

    /// <summary>
    /// The request is over. An answer can itself be cut short on the way (a high-water mark drops
    /// answers as it drops data, and may drop the end marker too): while answers keep filling some
    /// of the range, or a node said it sent everything, what is still missing is asked for again, a
    /// few times at most without progress, backing off. Otherwise what is still missing is given up, reported as
    /// a gap. Then the next hole is asked for.
    /// </summary>
    private void Finish(StreamTracker.Stream stream, Request request, string why)
    {
        End(stream, request);
        if (stream.Recovery is { } recovery && why is "ok" or "timed out" && Missing(recovery, request.First, request.Last) is ulong left && left > 0)
        {
            bool progress = left < request.MissingAtStart;
            recovery.Retries = progress ? 0 : recovery.Retries + 1;
            // An end marker that says "ok" with nothing arrived: answers were dropped on the way, ask
            // again a few times. A timeout with nothing at all: once more (the end may have been
            // dropped too), then it is an older node that cannot answer, and the hole a gap.
            if (progress || recovery.Retries <= (why == "ok" ? MaxRetries : 1))
            {
                // Without progress the path is still congested (a backlog drains ahead of the
                // answers): ask again after 50, 100, 200... ms rather than at once.
                long now = Environment.TickCount64;
                if (!progress && recovery.Holes.Count > 0)
                {
                    recovery.Holes[0] = recovery.Holes[0] with { AskAfterMs = now + (RetryBackoffMs << (recovery.Retries - 1)) };
                }

                TrySend(stream, now);
                return;
            }
        }

        _recovery.GiveUp(stream, request.First, request.Last + 1, why);
        if (stream.Recovery is not null)
        {
            TrySend(stream, Environment.TickCount64);
        }
    }

    private void End(StreamTracker.Stream stream, Request request)
    {
        if (stream.Recovery is { } recovery && recovery.Request == request)
        {
            recovery.Request = null;
        }

        if (_byNonce.ContainsKey(request.Nonce) && _finished.Add(request.Nonce))
        {
            // Unsubscribing the route also tells the node to stop answering. The nonce stays known
            // a while, so batches already on their way still fill what is open.
            _prefixes.Send(subscribe: false, RepairProtocol.AnswerTopic(request.Nonce));
            _finishedOrder.Enqueue(request.Nonce);
            while (_finishedOrder.Count > MaxFinishedKept && _finishedOrder.TryDequeue(out var old))
            {
                _finished.Remove(old);
                _byNonce.Remove(old);
            }
        }
    }

    /// <summary>One request in flight: what it asked for, when it is given up, and how many upstreams ended it.</summary>
    internal sealed class Request(string nonce, ulong first, ulong last, long deadlineMs, ulong missingAtStart)
    {
        /// <summary>Records of the range missing when it was asked for: an answer that fills none of them made no progress.</summary>
        public ulong MissingAtStart { get; } = missingAtStart;

        public string Nonce { get; } = nonce;

        public ulong First { get; } = first;

        public ulong Last { get; } = last;

        public long DeadlineMs { get; set; } = deadlineMs;

        public int Ends { get; set; }
    }
}
