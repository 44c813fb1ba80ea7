using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Security;
using Telemetry.Wire;

namespace Telemetry.Snapshots;

/// <summary>
/// The front of a snapshot service, the same in a publisher and a relay: reads requests off the
/// ROUTER a bounded number at a time (so a flood waits in ZeroMQ's queue, and behind it in TCP,
/// never in front of the data), parses and counts them, checks the requester's token, holds them
/// in <see cref="PendingRequests{T}"/> (bounded per peer and in total) and says which are ready:
/// a request is ready once the requester's barrier subscription has reached the data socket.
/// Used on the node's own thread only.
/// </summary>
/// <typeparam name="T">What the owner keeps per request (a relay adds its upstream state).</typeparam>
internal sealed class SnapshotIntake<T>
    where T : class
{
    /// <summary>Requests one peer may have waiting: a subscriber has one per prefix change at most.</summary>
    public const int DefaultMaxPerPeer = 16;

    /// <summary>Requests all peers together may have waiting.</summary>
    public const int DefaultMaxTotal = 4096;

    /// <summary>Bytes of prefixes all waiting requests together may hold (one request may carry up to ~10 MB).</summary>
    public const long DefaultMaxTotalBytes = 64L << 20;

    /// <summary>Requests read per call: the rest wait in the socket's queue for the next round.</summary>
    public const int DefaultReadBudget = 256;

    private readonly List<byte[]> _frames = [];
    private readonly HashSet<string> _barriers = new(StringComparer.Ordinal);
    private readonly byte[]? _entitlementSecret;
    private readonly ILogger _logger;
    private readonly string _owner;
    private readonly Func<SnapshotRequest, T> _create;
    private readonly Action<T> _ready;
    private long _requests;
    private long _answered;
    private long _malformed;
    private long _refusedBusy;
    private long _refusedEntitlement;
    private long _expired;

    public SnapshotIntake(byte[]? entitlementSecret, ILogger logger, string owner, Func<SnapshotRequest, T> create, Action<T> ready, int maxPerPeer = DefaultMaxPerPeer, int maxTotal = DefaultMaxTotal, long maxTotalBytes = DefaultMaxTotalBytes)
    {
        _entitlementSecret = entitlementSecret;
        _logger = logger;
        _owner = owner;
        _create = create;
        _ready = ready;
        Pending = new PendingRequests<T>(maxPerPeer, maxTotal, maxTotalBytes);
    }

    public PendingRequests<T> Pending { get; }

    public SnapshotStats Stats => new(
        Volatile.Read(ref _requests),
        Volatile.Read(ref _answered),
        Volatile.Read(ref _malformed),
        Volatile.Read(ref _refusedBusy),
        Volatile.Read(ref _refusedEntitlement),
        Volatile.Read(ref _expired),
        Pending.Count);

    /// <summary>Reads up to <paramref name="budget"/> requests; returns how many were read.</summary>
    public int Receive(RouterSocket router, int budget = DefaultReadBudget)
    {
        int read = 0;
        var frames = _frames;
        while (read < budget && router.TryReceiveMultipartBytes(ref frames))
        {
            read++;
            Volatile.Write(ref _requests, _requests + 1);
            if (!SnapshotProtocol.TryParseRequest(frames, 1, out string nonce, out var prefixes))
            {
                if (Interlocked.Increment(ref _malformed) == 1)
                {
                    Log.SnapshotRequestMalformed(_logger, _owner);
                }

                frames.Clear();
                continue;
            }

            var grant = EntitlementTokens.ForSnapshot(_entitlementSecret, prefixes, out string? refusal);
            if (refusal is not null)
            {
                // Each refusal matters to security, but a flood of them must not flood the log.
                long refused = Interlocked.Increment(ref _refusedEntitlement);
                if ((refused & (refused - 1)) == 0)
                {
                    Log.SnapshotRefused(_logger, _owner, refusal, refused);
                }
            }

            Admit(new SnapshotRequest(frames[0], nonce, prefixes, grant, refusal is not null));
            frames.Clear();
        }

        return read;
    }

    /// <summary>A barrier subscription (<c>_snap.&lt;nonce&gt;</c>) came or went on the data socket.</summary>
    public void NoteBarrier(bool subscribe, string nonce)
    {
        if (!subscribe)
        {
            _barriers.Remove(nonce);
            return;
        }

        if (_barriers.Add(nonce) && Pending.TryGet(nonce, out var request))
        {
            _ready(request);
        }
    }

    /// <summary>Hands every request whose deadline has passed to <paramref name="expired"/>, oldest first.</summary>
    public void Expire(Action<T> expired)
    {
        long now = Environment.TickCount64;
        while (Pending.TryExpire(now, out var request))
        {
            expired(request);
        }
    }

    /// <summary>Counts a request the owner gave up on (its barrier never came).</summary>
    public void CountExpired() => Interlocked.Increment(ref _expired);

    /// <summary>Counts a request the owner answered.</summary>
    public void CountAnswered() => Interlocked.Increment(ref _answered);

    private void Admit(SnapshotRequest request)
    {
        var item = _create(request);
        long deadline = Environment.TickCount64 + (long)SnapshotProtocol.BarrierTimeout.TotalMilliseconds;
        long bytes = request.Identity.Length + request.Nonce.Length + request.Prefixes.Sum(p => 32L + p.Length);
        var admission = Pending.TryAdd(Convert.ToHexString(request.Identity), request.Nonce, item, deadline, bytes);
        switch (admission)
        {
            case Admission.Admitted when _barriers.Contains(request.Nonce):
                _ready(item);
                break;
            case Admission.PeerLimit or Admission.TotalLimit:
                if (Interlocked.Increment(ref _refusedBusy) == 1)
                {
                    Log.SnapshotRequestsRefused(_logger, _owner, admission == Admission.PeerLimit ? $"one peer already has {Pending.MaxPerPeer} waiting" : $"{Pending.Count} requests ({Pending.Bytes} bytes) are waiting in all");
                }

                break;
            case Admission.Duplicate:
                // A nonce names one request; a second request with it breaks the protocol.
                Interlocked.Increment(ref _malformed);
                break;
        }

    }
}
