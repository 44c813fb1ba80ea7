namespace Telemetry.Transport.Pgm;

/// <summary>
/// What a PGM receiver counts. Written on its receive thread only (by the receiver and its repair
/// timers), read by <see cref="PgmReceiver.GetStats"/> on any thread.
/// </summary>
internal sealed class PgmReceiverCounters
{
    private long _dataPackets;
    private long _naksSent;
    private long _malformed;
    private long _messages;
    private long _repaired;
    private long _lost;
    private int _sources;

    public void DataPacket() => Volatile.Write(ref _dataPackets, _dataPackets + 1);

    public void Malformed() => Volatile.Write(ref _malformed, _malformed + 1);

    public void Message() => Volatile.Write(ref _messages, _messages + 1);

    public void NaksSent(int count) => Volatile.Write(ref _naksSent, _naksSent + count);

    /// <summary>The totals over every source, those gone included, as the repair timers last summed them.</summary>
    public void Sources(int sources, long repaired, long lost)
    {
        Volatile.Write(ref _sources, sources);
        Volatile.Write(ref _repaired, repaired);
        Volatile.Write(ref _lost, lost);
    }

    public PgmReceiverStats Snapshot() => new(
        Volatile.Read(ref _sources),
        Volatile.Read(ref _dataPackets),
        Volatile.Read(ref _repaired),
        Volatile.Read(ref _naksSent),
        Volatile.Read(ref _lost),
        Volatile.Read(ref _messages),
        Volatile.Read(ref _malformed));
}
