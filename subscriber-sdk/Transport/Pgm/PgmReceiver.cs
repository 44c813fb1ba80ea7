using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Telemetry.Transport.Pgm;

/// <summary>Receives each complete message of a source: its TSI, its bytes and the frame ranges. Valid only during the call.</summary>
internal delegate void PgmMessageHandler(Tsi source, ReadOnlySpan<byte> data, ReadOnlySpan<Range> frames);

/// <summary>
/// A PGM receiver over UDP (libzmq's epgm): joins the group, tracks every source it hears, puts
/// their packets in order, NAKs what is missing (unicast to the address the source's SPMs give,
/// or an SPMR first when it has none yet) and hands reassembled messages to the handler on its
/// own thread.
/// </summary>
internal sealed class PgmReceiver : IDisposable
{
    private static readonly long MaxPollTicks = Stopwatch.Frequency / 100;

    private readonly PgmEndpoint _endpoint;
    private readonly PgmOptions _options;
    private readonly PgmMessageHandler _handler;
    private readonly Socket _socket;
    private readonly Dictionary<Tsi, PgmPeer> _peers = [];
    private readonly byte[] _buffer = new byte[65536];
    private readonly PgmReceiverCounters _counters = new();
    private readonly PgmRepairTimers _timers;
    private readonly Thread _thread;
    private readonly long _maxMessageBytes;
    private volatile bool _stopping;

    public PgmReceiver(PgmEndpoint endpoint, PgmOptions options, long maxMessageBytes, PgmMessageHandler handler)
    {
        _endpoint = endpoint;
        _options = options;
        _handler = handler;
        _maxMessageBytes = maxMessageBytes;
        _socket = PgmSocket.Open(endpoint, options, receiveBuffer: true);
        _timers = new PgmRepairTimers(endpoint, _socket, _peers, _counters);
        _thread = new Thread(Run) { IsBackground = true, Name = "telemetry-pgm-recv" };
        _thread.Start();
    }

    public PgmReceiverStats GetStats() => _counters.Snapshot();

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _thread.Join();
        _socket.Dispose();
        foreach (var peer in _peers.Values)
        {
            peer.Release();
        }
    }

    private void Run()
    {
        long nextTimers = 0;
        while (!_stopping)
        {
            try
            {
                if (_socket.Poll((int)(MaxPollTicks * 1_000_000 / Stopwatch.Frequency), SelectMode.SelectRead))
                {
                    // Bounded, so repair timers run even under a flood.
                    for (int i = 0; i < 4096 && _socket.Available > 0; i++)
                    {
                        int length = _socket.Receive(_buffer);
                        OnDatagram(_buffer.AsSpan(0, length));
                    }
                }

                long now = Stopwatch.GetTimestamp();
                if (now >= nextTimers)
                {
                    _timers.Run(now);
                    nextTimers = now + (Stopwatch.Frequency / 200);
                }
            }
            catch (SocketException)
            {
                // A datagram socket error loses at most a packet; repair covers it.
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    private void OnDatagram(ReadOnlySpan<byte> datagram)
    {
        if (!PgmPacket.TryParse(datagram, out var packet))
        {
            _counters.Malformed();
            return;
        }

        // Downstream packets (source -> receivers) carry the data port as destination; anything else
        // here is another receiver's NAK or SPMR, which we do not act on.
        if (packet.DestinationPort != _endpoint.Port || packet.Type is PgmType.Nak or PgmType.Nnak or PgmType.Spmr)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        var peer = FindOrAdd(packet.Tsi, now, packet.Type is PgmType.Odata or PgmType.Rdata);
        if (peer is null)
        {
            return;
        }

        peer.LastHeard = now;
        switch (packet.Type)
        {
            case PgmType.Odata or PgmType.Rdata:
                if (packet.Fragment)
                {
                    // libzmq never fragments APDUs; a peer that does is not one we can frame.
                    _counters.Malformed();
                    return;
                }

                if (peer.OnData(packet.Sequence, packet.Trail, packet.Payload, packet.Type == PgmType.Rdata, now))
                {
                    _counters.DataPacket();
                }

                break;
            case PgmType.Spm:
                peer.Nla = packet.SourceNla;
                peer.SpmrDue = 0;
                peer.OnSpmLead(packet.Lead, now);
                peer.OnTrail(packet.Trail);
                if (packet.Fin && peer.ClosingSince == 0)
                {
                    peer.ClosingSince = now;
                }

                break;
            case PgmType.Ncf:
                OnNcf(peer, ref packet, now);
                break;
        }
    }

    private PgmPeer? FindOrAdd(Tsi tsi, long now, bool isData)
    {
        if (_peers.TryGetValue(tsi, out var peer))
        {
            return peer;
        }

        // SPMs and data create a source; an NCF for a source we never heard from means nothing to us.
        PgmPeer? created = null;
        var reader = new ApduReader(_maxMessageBytes, (data, frames) =>
        {
            _counters.Message();
            _handler(created!.Tsi, data, frames);
        });
        created = new PgmPeer(tsi, reader, now);

        // Data before any SPM: ask for one soon, or we could not NAK.
        created.SpmrDue = isData ? NakTimers.RandomBackOff(now) : 0;
        _peers[tsi] = created;
        return created;
    }

    private static void OnNcf(PgmPeer peer, ref PgmPacket ncf, long now)
    {
        // Confirmed by the source: the repair is coming, so stop NAKing and wait for the RDATA.
        Confirm(peer, ncf.Sequence, now);
        for (int i = 0; i < ncf.NakListCount; i++)
        {
            Confirm(peer, ncf.NakListAt(i), now);
        }
    }

    private static void Confirm(PgmPeer peer, uint sequence, long now)
    {
        ref var state = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(peer.Naks, sequence);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref state) && state.Phase != NakPhase.WaitData)
        {
            state.Phase = NakPhase.WaitData;
            state.Deadline = now + NakTimers.DataWaitTicks;
        }
    }
}
