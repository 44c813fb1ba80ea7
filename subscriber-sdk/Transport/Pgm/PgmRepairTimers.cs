using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Telemetry.Transport.Pgm;

/// <summary>
/// A PGM receiver's timers, run on its receive thread every few milliseconds: NAKs after their
/// back-off, retries and giving up (the loss is then reported), SPMRs for sources heard before
/// their first SPM, and the expiry of silent or closed sources. Owns the scratch lists and the
/// totals of sources that are gone.
/// </summary>
internal sealed class PgmRepairTimers(PgmEndpoint endpoint, Socket socket, Dictionary<Tsi, PgmPeer> peers, PgmReceiverCounters counters)
{
    private static readonly long PeerExpiryTicks = Stopwatch.Frequency * 120;
    private static readonly long FinGraceTicks = Stopwatch.Frequency * 2;

    private readonly uint _group = endpoint.Group.ToUInt32();
    private readonly byte[] _control = new byte[1024];
    private readonly List<uint> _due = [];
    private readonly List<uint> _abandoned = [];
    private readonly List<Tsi> _expired = [];
    private long _repairedOfGone;
    private long _lostOfGone;

    public void Run(long now)
    {
        long repaired = _repairedOfGone;
        long lost = _lostOfGone;
        foreach (var peer in peers.Values)
        {
            if (now - peer.LastHeard > PeerExpiryTicks || (peer.ClosingSince != 0 && now - peer.ClosingSince > FinGraceTicks))
            {
                _expired.Add(peer.Tsi);
                continue;
            }

            if (peer.Nla == 0 && peer.SpmrDue != 0 && now >= peer.SpmrDue)
            {
                SendSpmr(peer);
                peer.SpmrDue = now + Stopwatch.Frequency;
            }

            if (peer.Naks.Count > 0)
            {
                RunNaks(peer, now);
            }

            repaired += peer.Repaired;
            lost += peer.Lost;
        }

        foreach (var tsi in _expired)
        {
            var peer = peers[tsi];
            _repairedOfGone += peer.Repaired;
            _lostOfGone += peer.Lost;
            repaired += peer.Repaired;
            lost += peer.Lost;
            peer.Release();
            peers.Remove(tsi);
        }

        _expired.Clear();
        counters.Sources(peers.Count, repaired, lost);
    }

    private void RunNaks(PgmPeer peer, long now)
    {
        foreach (var sequence in peer.Naks.Keys)
        {
            ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(peer.Naks, sequence);
            if (now < state.Deadline)
            {
                continue;
            }

            switch (state.Phase)
            {
                case NakPhase.BackOff when peer.Nla == 0:
                    // No SPM yet, so no address to NAK to: ask for one and try again after a back-off.
                    peer.SpmrDue = peer.SpmrDue == 0 || peer.SpmrDue > now ? now : peer.SpmrDue;
                    state.Deadline = NakTimers.RandomBackOff(now);
                    break;
                case NakPhase.BackOff:
                    _due.Add(sequence);
                    state.Phase = NakPhase.WaitNcf;
                    state.Deadline = now + NakTimers.NcfWaitTicks;
                    break;
                case NakPhase.WaitNcf when ++state.NcfRetries > NakTimers.MaxNcfRetries:
                case NakPhase.WaitData when ++state.DataRetries > NakTimers.MaxDataRetries:
                    _abandoned.Add(sequence);
                    break;
                default:
                    state.Phase = NakPhase.BackOff;
                    state.Deadline = NakTimers.RandomBackOff(now);
                    break;
            }
        }

        if (_due.Count > 0)
        {
            _due.Sort((a, b) => (int)(a - b));
            var due = CollectionsMarshal.AsSpan(_due);
            while (due.Length > 0)
            {
                int n = Math.Min(due.Length, PgmWire.MaxNakSequences);
                SendNak(peer, due[..n]);
                due = due[n..];
            }

            _due.Clear();
        }

        foreach (var sequence in _abandoned)
        {
            peer.Abandon(sequence);
        }

        _abandoned.Clear();
    }

    private void SendNak(PgmPeer peer, ReadOnlySpan<uint> sequences)
    {
        int length = PgmPacketWriter.WriteNak(_control, PgmType.Nak, peer.Tsi, (ushort)endpoint.Port, peer.Nla, _group, sequences[0], sequences[1..]);
        socket.SendTo(_control.AsSpan(0, length), SocketFlags.None, new IPEndPoint(PgmAddress.FromUInt32(peer.Nla), endpoint.Port));
        counters.NaksSent(sequences.Length);
    }

    private void SendSpmr(PgmPeer peer)
    {
        // To the group, as OpenPGM does: the source listens there, and other receivers see it was asked.
        int length = PgmPacketWriter.WriteSpmr(_control, peer.Tsi, (ushort)endpoint.Port);
        socket.SendTo(_control.AsSpan(0, length), SocketFlags.None, new IPEndPoint(endpoint.Group, endpoint.Port));
    }
}
