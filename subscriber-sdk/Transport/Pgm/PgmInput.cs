using NetMQ;
using NetMQ.Sockets;

namespace Telemetry.Transport.Pgm;

/// <summary>
/// Feeds an <c>epgm://</c> group into a subscriber's ordinary SUB socket: a PGM receiver whose
/// reassembled messages are republished on a private inproc XPUB that the SUB connects to. The SUB
/// then applies its prefixes, high-water mark and the whole receive path exactly as for TCP, so the
/// subscriber needs no second code path for multicast.
/// </summary>
public sealed class PgmInput : IDisposable
{
    private static readonly TimeSpan FirstSubscriptionWait = TimeSpan.FromSeconds(1);
    private static int _counter;
    private readonly XPublisherSocket _xpub;
    private readonly PgmReceiver _receiver;
    private bool _subscribed;

    /// <summary>Joins the group and starts receiving on a thread of its own.</summary>
    /// <param name="endpoint"><c>epgm://INTERFACE;GROUP:PORT</c>, e.g. <c>epgm://eth0;239.192.0.1:5555</c>.</param>
    /// <param name="options">Recovery interval and receive buffer.</param>
    /// <param name="maxMessageBytes">Largest message accepted; a longer one is counted as malformed and skipped.</param>
    /// <param name="highWatermark">Messages queued toward the connected socket before new ones are dropped (and counted as lost).</param>
    /// <exception cref="ArgumentException">The endpoint is not an epgm:// group on a local interface.</exception>
    public PgmInput(string endpoint, PgmOptions options, long maxMessageBytes, int highWatermark)
    {
        Endpoint = endpoint;
        Address = $"inproc://telemetry-pgm-{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}";
        _xpub = new XPublisherSocket();
        try
        {
            _xpub.Options.SendHighWatermark = highWatermark;
            _xpub.Options.Linger = TimeSpan.Zero;
            _xpub.Bind(Address);

            // The socket is handed to the receive thread here and used by it alone from now on.
            _receiver = new PgmReceiver(PgmEndpoint.Parse(endpoint), options, maxMessageBytes, OnMessage);
        }
        catch
        {
            _xpub.Dispose();
            throw;
        }
    }

    /// <summary>The epgm:// endpoint as given.</summary>
    public string Endpoint { get; }

    /// <summary>The inproc:// endpoint a SUB or XSUB connects to (in this process's NetMQ context) to receive the group's messages.</summary>
    public string Address { get; }

    /// <summary>Counters since start.</summary>
    public PgmReceiverStats GetStats() => _receiver.GetStats();

    /// <summary>Leaves the group and closes the inproc endpoint.</summary>
    public void Dispose()
    {
        _receiver.Dispose();
        _xpub.Dispose();
    }

    private void OnMessage(Tsi source, ReadOnlySpan<byte> data, ReadOnlySpan<Range> frames)
    {
        ReadSubscriptions();
        var msg = default(Msg);
        for (int i = 0; i < frames.Length; i++)
        {
            var frame = data[frames[i]];
            msg.InitPool(frame.Length);
            frame.CopyTo(msg.Slice());
            _xpub.Send(ref msg, more: i < frames.Length - 1);
            msg.Close();
        }
    }

    private void ReadSubscriptions()
    {
        // An XPUB drops what it sends before the SUB's subscriptions reach it; wait for the first
        // one (the SUB sends them as it connects) rather than lose the first messages of a feed.
        var msg = default(Msg);
        msg.InitEmpty();
        var wait = _subscribed ? TimeSpan.Zero : FirstSubscriptionWait;
        while (_xpub.TryReceive(ref msg, wait))
        {
            _subscribed = true;
            wait = TimeSpan.Zero;
        }

        _subscribed = true;
        msg.Close();
    }
}
