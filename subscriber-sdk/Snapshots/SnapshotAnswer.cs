using System.Text;
using NetMQ;

namespace Telemetry.Snapshots;

/// <summary>
/// One snapshot answer on its way: the request, the topics already sent (a topic is sent once,
/// whoever knows it first), and what its source still waits for.
/// </summary>
internal sealed class SnapshotAnswer
{
    private readonly SnapshotService _service;
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);
    private byte[]? _nonceUtf8;

    internal SnapshotAnswer(SnapshotService service, SnapshotRequest request)
    {
        _service = service;
        Request = request;
    }

    public SnapshotRequest Request { get; }

    /// <summary>Its barrier came and its source began answering.</summary>
    public bool Started { get; internal set; }

    public bool Completed { get; private set; }

    /// <summary>Replies the source still waits for (a relay: its upstream snapshot services).</summary>
    public int Outstanding { get; set; }

    /// <summary>Records sent so far.</summary>
    public int Count => _sent.Count;

    /// <summary>True once <paramref name="topic"/> has been sent.</summary>
    public bool Holds(string topic) => _sent.Contains(topic);

    /// <summary>Sends the last value of <paramref name="topic"/> unless the request does not allow it or it was sent already.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="topicUtf8">The topic's bytes, when the caller has them.</param>
    /// <param name="batch">A one-record batch holding the topic's last value.</param>
    public bool Send(string topic, byte[]? topicUtf8, byte[] batch)
    {
        if (Completed || !Request.Allows(topic) || !_sent.Add(topic))
        {
            return false;
        }

        _service.Router.SendMoreFrame(Request.Identity).SendMoreFrame(NonceUtf8).SendMoreFrame(topicUtf8 ?? Encoding.UTF8.GetBytes(topic)).SendFrame(batch);
        return true;
    }

    /// <summary>Gives the source until <paramref name="wait"/> from now before <see cref="ISnapshotSource.TimedOut"/>.</summary>
    public void Extend(TimeSpan wait) => _service.Extend(this, wait);

    /// <summary>Ends the answer: its end frame carries the count sent.</summary>
    public void Complete()
    {
        if (!Completed)
        {
            Completed = true;
            _service.Complete(this);
        }
    }

    internal byte[] NonceUtf8 => _nonceUtf8 ??= Encoding.UTF8.GetBytes(Request.Nonce);
}
