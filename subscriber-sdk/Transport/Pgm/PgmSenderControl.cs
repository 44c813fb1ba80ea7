using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Telemetry.Transport.Pgm;

/// <summary>
/// A PGM source's control thread: SPMs on their schedule (heartbeats after data, ambient ones when
/// idle), NAK -> NCF at once and RDATA from the transmit window after, SPMR -> SPM. On close it
/// lingers while receivers still ask for repairs. It owns the repair queue and its counters; the
/// data thread tells it of each ODATA through <see cref="DataSent"/>.
/// </summary>
internal sealed class PgmSenderControl
{
    // The control thread wakes at least this often, so data sent after a quiet spell gets its SPM promptly.
    private static readonly long MaxPollTicks = Stopwatch.Frequency / 20;
    private static readonly long QuietTicks = Stopwatch.Frequency / 2;

    private readonly Tsi _tsi;
    private readonly ushort _port;
    private readonly uint _nla;
    private readonly uint _group;
    private readonly TransmitWindow _window;
    private readonly PgmSourceLink _link;
    private readonly TimeSpan _linger;
    private readonly Thread _thread;
    private readonly SpmSchedule _schedule = new(Stopwatch.GetTimestamp());
    private readonly Queue<uint> _repairs = new();
    private readonly HashSet<uint> _queuedRepairs = [];
    private readonly byte[] _receiveBuffer = new byte[65536];
    private readonly byte[] _controlPacket = new byte[1024];
    private readonly byte[] _repairPacket = new byte[9000];
    private readonly uint[] _nakScratch = new uint[PgmWire.MaxNakSequences];
    private uint _spmSequence;
    private long _repairPackets;
    private long _naksReceived;
    private long _naksTooOld;
    private long _spms;
    private long _lastNakTicks;
    private long _lastSpmrAnswerTicks;
    private long _lastDataTicks;
    private int _dataSinceSpm;
    private bool _stopping;

    public PgmSenderControl(Tsi tsi, PgmEndpoint endpoint, TransmitWindow window, PgmSourceLink link, TimeSpan linger)
    {
        _tsi = tsi;
        _port = (ushort)endpoint.Port;
        _nla = endpoint.Interface.ToUInt32();
        _group = endpoint.Group.ToUInt32();
        _window = window;
        _link = link;
        _linger = linger;
        _thread = new Thread(Run) { IsBackground = true, Name = "telemetry-pgm-send" };
    }

    public long RepairPackets => Volatile.Read(ref _repairPackets);

    public long NaksReceived => Volatile.Read(ref _naksReceived);

    public long NaksTooOld => Volatile.Read(ref _naksTooOld);

    public long Spms => Volatile.Read(ref _spms);

    public void Start() => _thread.Start();

    /// <summary>The data thread sent an ODATA: heartbeat SPMs follow it, and closing lingers for its repairs.</summary>
    public void DataSent()
    {
        Volatile.Write(ref _lastDataTicks, Stopwatch.GetTimestamp());
        Volatile.Write(ref _dataSinceSpm, 1);
    }

    /// <summary>Lingers (at most the linger time) while receivers are still asking, then ends the thread.</summary>
    public void Stop()
    {
        Volatile.Write(ref _stopping, true);
        _thread.Join();
    }

    /// <summary>Multicasts one SPM (with OPT_FIN when <paramref name="fin"/>).</summary>
    public void SendSpm(bool fin)
    {
        // Built on whichever thread sends it (the source's constructor, this thread, the source's
        // Dispose after Stop), never two at once.
        int length = PgmPacketWriter.WriteSpm(_controlPacket, _tsi, _port, _spmSequence++, _window.Trail, _window.Lead, _nla, fin);
        _link.Charge(length);
        _link.SendTo(_controlPacket.AsSpan(0, length));
        Interlocked.Increment(ref _spms);
    }

    private void Run()
    {
        long lingerUntil = 0;
        while (true)
        {
            long now = Stopwatch.GetTimestamp();
            if (Volatile.Read(ref _stopping))
            {
                // Linger while receivers still ask for repairs or the last data is fresh: tail losses
                // are only found through the heartbeat SPMs that follow it.
                lingerUntil = lingerUntil == 0 ? now + (long)(_linger.TotalSeconds * Stopwatch.Frequency) : lingerUntil;
                bool quiet = now - Volatile.Read(ref _lastNakTicks) > QuietTicks && now - Volatile.Read(ref _lastDataTicks) > QuietTicks && _repairs.Count == 0;
                if (quiet || now >= lingerUntil)
                {
                    return;
                }
            }

            bool data = Volatile.Read(ref _dataSinceSpm) != 0;
            long due = _schedule.Due(data);
            if (now >= due)
            {
                Interlocked.Exchange(ref _dataSinceSpm, 0);
                SendSpm(fin: false);
                _schedule.Sent(now, data);
                continue;
            }

            long waitTicks = _repairs.Count > 0 ? 0 : Math.Min(due - now, MaxPollTicks);
            try
            {
                if (_link.Poll((int)(waitTicks * 1_000_000 / Stopwatch.Frequency)))
                {
                    ReceiveControl();
                }

                SendRepairs();
            }
            catch (SocketException)
            {
                // A transient error on a datagram socket loses at most one control packet.
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    private void ReceiveControl()
    {
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (_link.Available > 0)
        {
            int length = _link.ReceiveFrom(_receiveBuffer, ref from);
            if (!PgmPacket.TryParse(_receiveBuffer.AsSpan(0, length), out var packet) || packet.Gsi != _tsi.Gsi || packet.DestinationPort != _tsi.SourcePort)
            {
                continue;
            }

            if (packet.Type == PgmType.Nak && packet.SourceNla == _nla && packet.GroupNla == _group)
            {
                OnNak(ref packet);
            }
            else if (packet.Type == PgmType.Spmr)
            {
                // Several receivers joining at once each ask; one SPM answers them all.
                long now = Stopwatch.GetTimestamp();
                if (now - _lastSpmrAnswerTicks > Stopwatch.Frequency / 100)
                {
                    _lastSpmrAnswerTicks = now;
                    SendSpm(fin: false);
                }
            }
        }
    }

    private void OnNak(ref PgmPacket nak)
    {
        Volatile.Write(ref _lastNakTicks, Stopwatch.GetTimestamp());
        int count = 0;
        _nakScratch[count++] = nak.Sequence;
        for (int i = 0; i < nak.NakListCount && count < _nakScratch.Length; i++)
        {
            _nakScratch[count++] = nak.NakListAt(i);
        }

        // The NCF goes out at once and to the group: it tells every receiver that the repair is
        // coming, so the others hold back their own NAKs for the same data.
        int ncf = PgmPacketWriter.WriteNak(_controlPacket, PgmType.Ncf, _tsi, _port, _nla, _group, _nakScratch[0], _nakScratch.AsSpan(1, count - 1));
        _link.Charge(ncf);
        _link.SendTo(_controlPacket.AsSpan(0, ncf));

        uint trail = _window.Trail;
        uint lead = _window.Lead;
        for (int i = 0; i < count; i++)
        {
            uint sequence = _nakScratch[i];
            Interlocked.Increment(ref _naksReceived);
            if (PgmWire.Before(sequence, trail) || PgmWire.Before(lead, sequence))
            {
                Interlocked.Increment(ref _naksTooOld);
            }
            else if (_queuedRepairs.Add(sequence))
            {
                _repairs.Enqueue(sequence);
            }
        }
    }

    private void SendRepairs()
    {
        // A bounded number per pass so that SPMs and new NAKs keep their turn under heavy loss.
        for (int i = 0; i < 64 && _repairs.TryDequeue(out uint sequence); i++)
        {
            _queuedRepairs.Remove(sequence);
            int length = _window.CopyAsRdata(sequence, _repairPacket);
            if (length == 0)
            {
                Interlocked.Increment(ref _naksTooOld);
                continue;
            }

            if (!_link.Take(length))
            {
                return;
            }

            _link.SendTo(_repairPacket.AsSpan(0, length));
            Interlocked.Increment(ref _repairPackets);
        }
    }
}
