using Microsoft.Extensions.Logging;
using Telemetry.Internal;
using Telemetry.Security;
using Telemetry.Wire;

namespace Telemetry.Distribution;

/// <summary>
/// Passes a repair request on when this node cannot answer it from its own window: a relay sends it
/// towards the stream's publisher and later answers through <see cref="RepairService"/>.
/// </summary>
internal interface IRepairForwarder
{
    /// <summary>Takes <paramref name="request"/> on; false when it cannot (no upstream), and the node answers from what it has.</summary>
    bool TryForward(RepairRequest request);
}

/// <summary>
/// A node's answers to repair requests (docs/wire-format.md, section 14), on the node's thread: the
/// request frames its XPUB received, checked (bounds, the requester's own entitlement to the exact
/// topic), then answered from the <see cref="RetransmitWindow"/> a bounded number of records per
/// round, so a flood of requests or one huge hole never starves live data. Pending answers are
/// bounded per stream and in total by the same <see cref="PendingRequests{T}"/> the snapshot
/// service uses.
/// </summary>
internal sealed class RepairService
{
    // Records resent per round at most: live data goes out between rounds whatever is asked.
    private const int RecordsPerRound = 8192;
    // Per stream, not per peer (an XPUB does not say which peer sent a message): one relay may
    // rightly have every subscriber below it waiting for the same range, each joined to one request.
    private const int MaxPerStream = 1024;
    private const int MaxPending = 4096;
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    private readonly RetransmitWindow _window;
    private readonly Action<string, ReadOnlySpan<byte>> _send;
    private readonly byte[]? _secret;
    private readonly ILogger _logger;
    private readonly string _owner;
    private readonly PendingRequests<Answer> _pending = new(MaxPerStream, MaxPending);
    private readonly Queue<Answer> _ready = new();
    private readonly int _messagesPerRound;
    private int _roundMessages;
    private long _malformed;
    private long _refused;
    private long _answered;
    private long _forwarded;
    private long _recordsResent;

    /// <param name="window">Where the batches come from.</param>
    /// <param name="send">Sends one answer message: its topic and body.</param>
    /// <param name="secret">The entitlement secret; null when entitlements are off.</param>
    /// <param name="logger">Where refusals are logged.</param>
    /// <param name="owner">Who owns the node, for log lines.</param>
    /// <param name="messagesPerRound">Answer messages sent per round at most: half the XPUB's high-water mark, so answers do not overflow the very queue whose overflow lost the records (0: no limit).</param>
    public RepairService(RetransmitWindow window, Action<string, ReadOnlySpan<byte>> send, byte[]? secret, ILogger logger, string owner, int messagesPerRound)
    {
        _messagesPerRound = messagesPerRound <= 0 ? int.MaxValue : messagesPerRound;
        _window = window;
        _send = send;
        _secret = secret;
        _logger = logger;
        _owner = owner;
    }

    /// <summary>True while answers are being sent from the window: the owner should run <see cref="AnswerRound"/> soon.</summary>
    public bool HasWork => _ready.Count > 0 || _pending.Count > 0;

    /// <summary>Set by a relay: requests its window cannot answer whole go upstream.</summary>
    public IRepairForwarder? Forwarder { get; set; }

    public RepairStats Stats => new(
        Volatile.Read(ref _answered),
        Volatile.Read(ref _forwarded),
        Volatile.Read(ref _refused),
        Volatile.Read(ref _malformed),
        Volatile.Read(ref _recordsResent));

    /// <summary>A request frame (marker byte first) arrived from a downstream peer.</summary>
    public void Receive(ReadOnlyMemory<byte> frame)
    {
        if (!RepairProtocol.TryDecodeRequest(frame, out var request, out bool unsupported))
        {
            if (unsupported)
            {
                _send(RepairProtocol.AnswerTopic(request.Nonce), RepairProtocol.EncodeEnd(RepairOutcome.Unsupported));
            }

            _malformed++;
            return;
        }

        // The requester's own grant, never this node's: a relay subscribed upstream under its wider
        // grant must not resend a topic to a peer that could not subscribe it.
        if (_secret is not null && !Entitled(request))
        {
            Refuse(request, "not entitled");
            return;
        }

        // One request covers a bounded range; the receiver asks again for the rest.
        if (request.Last - request.First >= RepairProtocol.MaxRecordsPerRequest)
        {
            request = request with { Last = request.First + RepairProtocol.MaxRecordsPerRequest - 1 };
        }

        var answer = new Answer(request);
        var admission = _pending.TryAdd(request.StreamKey, request.Nonce, answer, Environment.TickCount64 + (long)AnswerTimeout.TotalMilliseconds);
        if (admission != Admission.Admitted)
        {
            Refuse(request, admission.ToString());
            return;
        }

        if (!_window.Covers(request.StreamKey, request.First, request.Last) && Forwarder?.TryForward(request) == true)
        {
            answer.Forwarded = true;
            _forwarded++;
            return;
        }

        _ready.Enqueue(answer);
    }

    /// <summary>The requester unsubscribed the answer's route: stop answering (without an end: nobody would get it).</summary>
    public void Cancel(string nonce)
    {
        if (_pending.TryGet(nonce, out var answer))
        {
            _pending.Remove(nonce);
            answer.Done = true;
        }
    }

    /// <summary>A batch from upstream for a request this node forwarded: sent on to the requester.</summary>
    public void Relay(string nonce, ReadOnlySpan<byte> batch, int records)
    {
        if (_pending.TryGet(nonce, out var answer))
        {
            _send(answer.Topic, batch);
            _recordsResent += records;
        }
    }

    /// <summary>The end of a forwarded request's answer: the requester is told and the request is done.</summary>
    public void RelayEnd(string nonce, RepairOutcome outcome)
    {
        if (_pending.TryGet(nonce, out var answer))
        {
            Finish(answer, outcome);
        }
    }

    /// <summary>One round: answers ready requests from the window within the round's budget, and expires forwarded ones.</summary>
    public void AnswerRound()
    {
        long now = Environment.TickCount64;
        while (_pending.TryExpire(now, out var expired))
        {
            // Upstream never ended it (an older node, a lost link): the requester reports the gap.
            _send(expired.Topic, RepairProtocol.EncodeEnd(RepairOutcome.Unknown));
        }

        int budget = RecordsPerRound;
        _roundMessages = 0;
        while (budget > 0 && _roundMessages < _messagesPerRound && _ready.TryPeek(out var answer))
        {
            if (!_pending.TryGet(answer.Request.Nonce, out var pending) || !ReferenceEquals(pending, answer))
            {
                _ready.Dequeue();
                continue;
            }

            budget -= Continue(answer, budget);
            if (answer.Done)
            {
                _ready.Dequeue();
            }
        }
    }

    /// <summary>Sends the next batches of <paramref name="answer"/>, up to about <paramref name="budget"/> records; returns the records sent.</summary>
    private int Continue(Answer answer, int budget)
    {
        var request = answer.Request;
        int sent = 0;
        while (sent < budget && _roundMessages < _messagesPerRound && answer.Next <= request.Last)
        {
            var entry = _window.FindFrom(request.StreamKey, answer.Next);
            if (entry is null || entry.First > request.Last)
            {
                break;
            }

            if (entry.First > answer.Next)
            {
                answer.Incomplete = true; // part of the range was evicted (or never held)
            }

            _send(answer.Topic, entry.Span);
            _roundMessages++;
            answer.Sent = true;
            answer.Next = entry.End;
            sent += entry.Count;
        }

        _recordsResent += sent;
        if ((sent < budget && _roundMessages < _messagesPerRound) || answer.Next > request.Last)
        {
            var outcome = answer.Next > request.Last && !answer.Incomplete ? RepairOutcome.Ok
                : answer.Sent || _window.TryGetRange(request.StreamKey, out _, out _) ? RepairOutcome.Evicted
                : RepairOutcome.Unknown;
            Finish(answer, outcome);
        }

        return Math.Max(sent, 1);
    }

    private void Finish(Answer answer, RepairOutcome outcome)
    {
        _send(answer.Topic, RepairProtocol.EncodeEnd(outcome));
        _pending.Remove(answer.Request.Nonce);
        answer.Done = true;
        _answered++;
    }

    private bool Entitled(RepairRequest request)
    {
        string? refusal = "no token";
        var grant = request.Token is null ? null : EntitlementTokens.Verify(_secret, request.Token, DateTimeOffset.UtcNow, out refusal);
        return grant is not null && grant.Covers(request.Topic);
    }

    private void Refuse(RepairRequest request, string reason)
    {
        _refused++;
        _send(RepairProtocol.AnswerTopic(request.Nonce), RepairProtocol.EncodeEnd(RepairOutcome.Refused));
        if (_refused == 1 || _logger.IsEnabled(LogLevel.Debug))
        {
            Log.RepairRefused(_logger, _owner, request.Topic, reason, _refused);
        }
    }

    /// <summary>One request being answered.</summary>
    private sealed class Answer(RepairRequest request)
    {
        public RepairRequest Request { get; } = request;

        public string Topic { get; } = RepairProtocol.AnswerTopic(request.Nonce);

        public ulong Next { get; set; } = request.First;

        public bool Sent { get; set; }

        public bool Incomplete { get; set; }

        public bool Forwarded { get; set; }

        public bool Done { get; set; }
    }
}

/// <summary>What a node's repair service has done since start.</summary>
/// <param name="Answered">Requests answered to their end marker.</param>
/// <param name="Forwarded">Requests passed upstream.</param>
/// <param name="Refused">Requests refused: not entitled, or over the bounds.</param>
/// <param name="Malformed">Request frames that could not be read.</param>
/// <param name="RecordsResent">Records sent again in answers.</param>
internal readonly record struct RepairStats(long Answered, long Forwarded, long Refused, long Malformed, long RecordsResent);
