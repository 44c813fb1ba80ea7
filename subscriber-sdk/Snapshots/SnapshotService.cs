using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Wire;

namespace Telemetry.Snapshots;

/// <summary>
/// A node's late-join snapshot service (docs/wire-format.md, section 9): the ROUTER, its intake of
/// requests (bounded, token-checked), the wait for each requester's barrier, and the answers, fed
/// by the node's <see cref="ISnapshotSource"/>. Used on the node's thread only.
/// </summary>
internal sealed class SnapshotService : IDisposable
{
    // Snapshot records written per round at most (a request is answered whole, so one large
    // request may go past it): however many requesters are ready, data goes out every round.
    private const int RecordsPerRound = 4096;
    private static readonly TimeSpan ExpiryInterval = TimeSpan.FromMilliseconds(250);

    private readonly SnapshotIntake<SnapshotAnswer> _intake;
    private readonly ISnapshotSource _source;
    private readonly Queue<SnapshotAnswer> _ready = new();
    private NetMQTimer? _timer;

    public SnapshotService(IReadOnlyList<string> endpoints, byte[]? entitlementSecret, string? curveSecretKey, ILogger logger, string owner, ISnapshotSource source)
    {
        _source = source;
        _intake = new SnapshotIntake<SnapshotAnswer>(entitlementSecret, logger, owner, request => new SnapshotAnswer(this, request), _ready.Enqueue);
        Router = new RouterSocket();
        try
        {
            Router.Options.Linger = TimeSpan.Zero;
            Router.Options.SendHighWatermark = 1_000_000;
            Router.Options.MaxMsgSize = SnapshotProtocol.MaxRequestFrameBytes;
            Curve.ApplyServer(Router, curveSecretKey);
            foreach (var endpoint in endpoints)
            {
                Router.Bind(endpoint);
            }
        }
        catch
        {
            Router.Dispose();
            throw;
        }
    }

    public SnapshotStats Stats => _intake.Stats;

    internal RouterSocket Router { get; }

    /// <summary>A barrier subscription (<c>_snap.&lt;nonce&gt;</c>) came or went on the data socket.</summary>
    public void NoteBarrier(bool subscribe, string nonce) => _intake.NoteBarrier(subscribe, nonce);

    /// <summary>One round: a bounded read of requests, expiry, and answers within the round's budget.</summary>
    public void Serve()
    {
        _intake.Receive(Router);
        Expire();
        AnswerReady();
    }

    /// <summary>Answers the requests whose barrier has come, within the round's budget.</summary>
    public void AnswerReady()
    {
        int budget = RecordsPerRound;
        while (budget > 0 && _ready.TryDequeue(out var answer))
        {
            // Ready means the barrier came; the request may have expired since (its entry is gone).
            if (_intake.Pending.TryGet(answer.Request.Nonce, out var pending) && ReferenceEquals(pending, answer) && !answer.Started)
            {
                answer.Started = true;
                budget -= _source.Answer(answer) + 1;
            }
        }
    }

    /// <summary>Serves on <paramref name="poller"/>'s thread: on every request and four times a second for expiry.</summary>
    public void Attach(NetMQPoller poller)
    {
        Router.ReceiveReady += (_, _) => Serve();
        _timer = new NetMQTimer(ExpiryInterval);
        _timer.Elapsed += (_, _) => Serve();
        poller.Add(Router);
        poller.Add(_timer);
    }

    public void Dispose() => Router.Dispose();

    internal void Extend(SnapshotAnswer answer, TimeSpan wait) =>
        _intake.Pending.Reschedule(answer.Request.Nonce, Environment.TickCount64 + (long)wait.TotalMilliseconds);

    internal void Complete(SnapshotAnswer answer)
    {
        _intake.Pending.Remove(answer.Request.Nonce);
        Router.SendMoreFrame(answer.Request.Identity).SendMoreFrame(answer.NonceUtf8).SendMoreFrameEmpty().SendFrame(SnapshotProtocol.EncodeEnd(answer.Count));
        _intake.CountAnswered();
    }

    private void Expire() => _intake.Expire(answer =>
    {
        if (answer.Started)
        {
            _source.TimedOut(answer);
        }
        else
        {
            _intake.CountExpired(); // the requester's barrier never came: it has gone
        }
    });
}
