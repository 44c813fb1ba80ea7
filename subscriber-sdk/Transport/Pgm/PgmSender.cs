namespace Telemetry.Transport.Pgm;

/// <summary>
/// A PGM source over UDP (libzmq's epgm). One thread calls <see cref="Send"/> with whole TSDUs,
/// which go out as ODATA and into the <see cref="TransmitWindow"/>; the <see cref="PgmSenderControl"/>
/// thread multicasts SPMs, answers NAKs with an NCF at once and the RDATA from the window after,
/// and answers SPMRs. Both send through one <see cref="PgmSourceLink"/> (socket and rate).
/// </summary>
internal sealed class PgmSender : IDisposable
{
    private readonly PgmEndpoint _endpoint;
    private readonly PgmSourceLink _link;
    private readonly TransmitWindow _window;
    private readonly PgmSenderControl _control;
    private readonly byte[] _packet;
    private bool _disposed;
    private long _dataPackets;
    private long _dataBytes;

    /// <summary>Opens the socket, announces the session with three SPMs (as OpenPGM does) and starts the control thread.</summary>
    public PgmSender(PgmEndpoint endpoint, PgmOptions options, TimeSpan linger)
    {
        _endpoint = endpoint;
        Tsi = Tsi.NewRandom();
        MaxTsdu = PgmWire.MaxTsdu(options.MaxTpdu);
        _packet = new byte[options.MaxTpdu];

        // Start at a random sequence number so that a restarted source is not mistaken for old data.
        uint first = (uint)Random.Shared.NextInt64(0, uint.MaxValue);
        _window = new TransmitWindow(options.WindowPackets, options.MaxTpdu, first);
        _link = new PgmSourceLink(endpoint, options);
        _control = new PgmSenderControl(Tsi, endpoint, _window, _link, linger);
        for (int i = 0; i < 3; i++)
        {
            _control.SendSpm(fin: false);
        }

        _control.Start();
    }

    /// <summary>This source's identity on the wire.</summary>
    public Tsi Tsi { get; }

    /// <summary>Payload bytes one ODATA carries.</summary>
    public int MaxTsdu { get; }

    public PgmSenderStats GetStats() => new(
        Volatile.Read(ref _dataPackets),
        Volatile.Read(ref _dataBytes),
        _control.RepairPackets,
        _control.NaksReceived,
        _control.NaksTooOld,
        _control.Spms,
        _window.Trail,
        _window.Lead);

    /// <summary>Sends one TSDU as ODATA, waiting for the rate if needed. Single caller thread.</summary>
    public void Send(ReadOnlySpan<byte> tsdu)
    {
        if (tsdu.Length > MaxTsdu)
        {
            throw new ArgumentOutOfRangeException(nameof(tsdu), $"A TSDU holds at most {MaxTsdu} bytes.");
        }

        var (sequence, trail) = _window.NextSequence();
        tsdu.CopyTo(_packet.AsSpan(PgmPacketWriter.DataPayloadOffset));
        int length = PgmPacketWriter.WriteData(_packet, PgmType.Odata, Tsi, (ushort)_endpoint.Port, sequence, trail, tsdu.Length);
        if (!_link.Take(length))
        {
            return;
        }

        // Into the window before the wire: a NAK can only follow the packet's successors, but never miss it.
        _window.Append(sequence, _packet.AsSpan(0, length));
        _link.SendTo(_packet.AsSpan(0, length));
        Volatile.Write(ref _dataPackets, _dataPackets + 1);
        Volatile.Write(ref _dataBytes, _dataBytes + tsdu.Length);
        _control.DataSent();
    }

    /// <summary>Keeps answering NAKs until receivers are quiet (at most the linger time), then says goodbye with OPT_FIN SPMs.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _control.Stop();
        _link.StopWaiting();
        for (int i = 0; i < 3; i++)
        {
            _control.SendSpm(fin: true);
        }

        _link.Dispose();
    }
}
