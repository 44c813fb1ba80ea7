namespace Telemetry.Distribution;

/// <summary>
/// What a distribution node counts about its downstream side. Written by the node's thread (the
/// connection counts by the monitor's), read by stats and metrics on any thread.
/// </summary>
internal sealed class NodeCounters
{
    private int _connections;
    private long _messages;
    private long _bytes;

    /// <summary>Downstream peers connected now.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Messages handed to the XPUB (and the epgm outputs) since start.</summary>
    public long Messages => Volatile.Read(ref _messages);

    /// <summary>Bytes of those messages' bodies.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Subscriptions the entitlement gate refused.</summary>
    public long SubscriptionsRefused { get; internal set; }

    /// <summary>Subscriptions lost to the XPUB's queue limit, as far as the gate can tell.</summary>
    public long SubscriptionsLost { get; internal set; }

    internal void Connected() => Interlocked.Increment(ref _connections);

    internal void Disconnected() => Interlocked.Decrement(ref _connections);

    internal void Sent(int bytes)
    {
        Volatile.Write(ref _messages, _messages + 1);
        Volatile.Write(ref _bytes, _bytes + bytes);
    }
}
