using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Telemetry.Transport.Pgm;

/// <summary>
/// A PGM source over UDP (libzmq's epgm). One thread calls <see cref="Send"/> with whole TSDUs;
/// a control thread multicasts SPMs on their schedule, answers NAKs with an NCF at once and the
/// RDATA from the transmit window after, and answers SPMRs. Both share the socket and the rate.
/// </summary>
internal sealed partial class PgmSender : IDisposable
{
    private readonly PgmEndpoint _endpoint;
    private readonly Socket _socket;
    private readonly IPEndPoint _groupEndPoint;
    private readonly TransmitWindow _window;
    private readonly RateLimiter _rate;
    private readonly byte[] _packet;
    private readonly uint _nla;
    private readonly uint _group;
    private readonly TimeSpan _linger;
    private readonly Thread _control;
    private bool _stopping;
    private bool _stopped;
    private long _dataPackets;
    private long _dataBytes;
    private long _lastDataTicks;
    private int _dataSinceSpm;

    /// <summary>Opens the socket, announces the session with three SPMs (as OpenPGM does) and starts the control thread.</summary>
    public PgmSender(PgmEndpoint endpoint, PgmOptions options, TimeSpan linger)
    {
        _endpoint = endpoint;
        _linger = linger;
        Tsi = Tsi.NewRandom();
        MaxTsdu = PgmWire.MaxTsdu(options.MaxTpdu);
        _packet = new byte[options.MaxTpdu];
        _rate = new RateLimiter(options.RateBytesPerSecond);
        _nla = endpoint.Interface.ToUInt32();
        _group = endpoint.Group.ToUInt32();
        _groupEndPoint = new IPEndPoint(endpoint.Group, endpoint.Port);

        // Start at a random sequence number so that a restarted source is not mistaken for old data.
        uint first = (uint)Random.Shared.NextInt64(0, uint.MaxValue);
        _window = new TransmitWindow(options.WindowPackets, options.MaxTpdu, first);
        _socket = PgmSocket.Open(endpoint, options, receiveBuffer: false);
        _schedule = new SpmSchedule(Stopwatch.GetTimestamp());
        for (int i = 0; i < 3; i++)
        {
            SendSpm(fin: false);
        }

        _control = new Thread(RunControl) { IsBackground = true, Name = "telemetry-pgm-send" };
        _control.Start();
    }

    /// <summary>This source's identity on the wire.</summary>
    public Tsi Tsi { get; }

    /// <summary>Payload bytes one ODATA carries.</summary>
    public int MaxTsdu { get; }

    public PgmSenderStats GetStats() => new(
        Volatile.Read(ref _dataPackets),
        Volatile.Read(ref _dataBytes),
        Volatile.Read(ref _repairPackets),
        Volatile.Read(ref _naksReceived),
        Volatile.Read(ref _naksTooOld),
        Volatile.Read(ref _spms),
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
        if (!_rate.Take(length + PgmWire.IpUdpOverhead, ref _stopped))
        {
            return;
        }

        // Into the window before the wire: a NAK can only follow the packet's successors, but never miss it.
        _window.Append(sequence, _packet.AsSpan(0, length));
        SendTo(_packet.AsSpan(0, length));
        _dataPackets++;
        _dataBytes += tsdu.Length;
        Volatile.Write(ref _lastDataTicks, Stopwatch.GetTimestamp());
        Volatile.Write(ref _dataSinceSpm, 1);
    }

    /// <summary>Keeps answering NAKs until receivers are quiet (at most the linger time), then says goodbye with OPT_FIN SPMs.</summary>
    public void Dispose()
    {
        if (Volatile.Read(ref _stopping))
        {
            return;
        }

        Volatile.Write(ref _stopping, true);
        _control.Join();
        Volatile.Write(ref _stopped, true);
        for (int i = 0; i < 3; i++)
        {
            SendSpm(fin: true);
        }

        _socket.Dispose();
    }

    private void SendTo(ReadOnlySpan<byte> packet)
    {
        try
        {
            _socket.SendTo(packet, SocketFlags.None, _groupEndPoint);
        }
        catch (SocketException)
        {
            // Multicast is best effort: a full socket buffer or a route flap is a loss that NAKs repair.
        }
    }
}
