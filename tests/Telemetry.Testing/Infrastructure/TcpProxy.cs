using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// A TCP link under the test's control, put between a peer and its upstream: it counts the bytes it
/// carries in each direction (what really crossed the link, framing and heartbeats included), can
/// delay each direction by a fixed one-way latency (a WAN without netem), and can be cut (every
/// connection reset, new ones refused) and healed.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<ProxiedConnection, byte> _connections = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _bytesToTarget;
    private long _bytesToClient;
    private long _bytesFromClient;
    private long _bytesFromTarget;
    private long _accepted;

    /// <param name="target">Where accepted connections are forwarded.</param>
    /// <param name="delayToTarget">One-way latency added to every chunk going to the target.</param>
    /// <param name="delayToClient">One-way latency added to every chunk coming back.</param>
    /// <param name="listenAddress">Address to listen on; loopback unless a test network needs another.</param>
    /// <param name="time">The clock the delays run on; a fake one lets a test say exactly when bytes are due.</param>
    public TcpProxy(IPEndPoint target, TimeSpan delayToTarget = default, TimeSpan delayToClient = default, IPAddress? listenAddress = null, TimeProvider? time = null)
    {
        _target = target;
        DelayToTarget = delayToTarget;
        DelayToClient = delayToClient;
        Time = time ?? TimeProvider.System;
        ListenEndPoint = new IPEndPoint(listenAddress ?? IPAddress.Loopback, 0);
        Listen();
    }

    /// <summary>A proxy in front of a <c>tcp://host:port</c> endpoint.</summary>
    public static TcpProxy To(string tcpEndpoint, TimeSpan oneWayDelay = default, IPAddress? listenAddress = null) =>
        new(ParseTcp(tcpEndpoint), oneWayDelay, oneWayDelay, listenAddress);

    public TimeSpan DelayToTarget { get; }

    public TimeSpan DelayToClient { get; }

    public TimeProvider Time { get; }

    /// <summary>The address and port peers connect to; the port stays the same across <see cref="Cut"/> and <see cref="Heal"/>.</summary>
    public IPEndPoint ListenEndPoint { get; private set; }

    public string Endpoint => $"tcp://{ListenEndPoint}";

    /// <summary>Bytes delivered to the target (for a ZeroMQ link: greeting, subscriptions, heartbeats).</summary>
    public long BytesToTarget => Interlocked.Read(ref _bytesToTarget);

    /// <summary>Bytes delivered back to the connecting peer (for a ZeroMQ link: the messages it receives).</summary>
    public long BytesToClient => Interlocked.Read(ref _bytesToClient);

    /// <summary>Bytes read from connecting peers, bound for the target; those not yet in <see cref="BytesToTarget"/> are in flight.</summary>
    public long BytesFromClient => Interlocked.Read(ref _bytesFromClient);

    /// <summary>Bytes read from the target, bound for the connecting peer; those not yet in <see cref="BytesToClient"/> are in flight.</summary>
    public long BytesFromTarget => Interlocked.Read(ref _bytesFromTarget);

    /// <summary>Connections accepted and forwarded since the start.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    public int OpenConnections => _connections.Count;

    public bool IsCut { get; private set; }

    public static IPEndPoint ParseTcp(string endpoint)
    {
        var uri = new Uri(endpoint.Replace("tcp://", "http://", StringComparison.Ordinal));
        return new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port);
    }

    /// <summary>Resets every connection and refuses new ones until <see cref="Heal"/>.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            IsCut = true;
            _listener?.Stop();
            _listener = null;
        }

        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }
    }

    /// <summary>Accepts connections again on the same port.</summary>
    public void Heal()
    {
        lock (_gate)
        {
            if (IsCut)
            {
                IsCut = false;
                Listen();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        Cut();
        await _acceptLoop;
        await Task.WhenAll(_connections.Keys.Select(c => c.Completion));
        _disposed.Dispose();
    }

    internal void AddDelivered(bool toTarget, int bytes) =>
        Interlocked.Add(ref toTarget ? ref _bytesToTarget : ref _bytesToClient, bytes);

    internal void AddRead(bool toTarget, int bytes) =>
        Interlocked.Add(ref toTarget ? ref _bytesFromClient : ref _bytesFromTarget, bytes);

    private void Listen()
    {
        var listener = new TcpListener(ListenEndPoint);

        // Reset connections leave TIME_WAIT entries on this port; a healed proxy must still bind it.
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        ListenEndPoint = (IPEndPoint)listener.LocalEndpoint;
        _listener = listener;
        _acceptLoop = AcceptAsync(listener);
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_disposed.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(_disposed.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return; // stopped by Cut or DisposeAsync
            }

            if (IsCut)
            {
                client.Close(0); // accepted in the instant before the cut
                continue;
            }

            Interlocked.Increment(ref _accepted);
            var connection = new ProxiedConnection(this, client, _target);
            _connections[connection] = 0;
            _ = connection.RunAsync(_disposed.Token).ContinueWith(_ => _connections.TryRemove(connection, out byte _), TaskScheduler.Default);
        }
    }
}
