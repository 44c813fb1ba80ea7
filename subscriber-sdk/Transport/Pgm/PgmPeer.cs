using System.Buffers;

namespace Telemetry.Transport.Pgm;

/// <summary>
/// What a receiver knows about one source (TSI): its unicast address from SPMs, the receive
/// window (next sequence to deliver, highest seen, packets held out of order) and the repair
/// state of every missing sequence. Owned by the receive thread.
/// </summary>
internal sealed class PgmPeer
{
    /// <summary>Packets ahead of the next undelivered one we hold or chase; beyond this a jump is a reset, not loss to repair.</summary>
    public const int MaxSpan = 1 << 16;

    private readonly Dictionary<uint, (byte[] Buffer, int Length)> _held = [];

    public PgmPeer(Tsi tsi, ApduReader reader, long now)
    {
        Tsi = tsi;
        Reader = reader;
        LastHeard = now;
    }

    public Tsi Tsi { get; }

    public ApduReader Reader { get; }

    /// <summary>The source's unicast address from its SPMs; 0 until one arrives.</summary>
    public uint Nla { get; set; }

    public bool Defined { get; private set; }

    /// <summary>The next sequence number to hand to <see cref="Reader"/>.</summary>
    public uint Next { get; private set; }

    /// <summary>The highest sequence number known to exist.</summary>
    public uint Lead { get; private set; }

    public long LastHeard { get; set; }

    public long SpmrDue { get; set; }

    public long ClosingSince { get; set; }

    public Dictionary<uint, NakState> Naks { get; } = [];

    public long Delivered { get; private set; }

    public long Lost { get; private set; }

    public long Repaired { get; private set; }

    /// <summary>Accepts ODATA or RDATA; delivers what became contiguous. Returns false for a duplicate.</summary>
    public bool OnData(uint sequence, uint trail, ReadOnlySpan<byte> payload, bool repair, long now)
    {
        if (!Defined)
        {
            // Heard data before any SPM: the source is joined at the first data seen, nothing before it is asked for.
            Define(sequence);
        }

        if (PgmWire.Before(sequence, Next) || _held.ContainsKey(sequence))
        {
            return false;
        }

        if ((uint)(sequence - Next) >= MaxSpan)
        {
            // Far ahead of anything we could repair (a long outage or a restarted sequence): give up on the span.
            SkipTo(sequence);
        }

        ExtendLead(sequence, now);
        if (Naks.Remove(sequence) && repair)
        {
            Repaired++;
        }

        if (sequence == Next)
        {
            Deliver(payload);
            DrainHeld();
        }
        else
        {
            var buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
            payload.CopyTo(buffer);
            _held[sequence] = (buffer, payload.Length);
        }

        OnTrail(trail);
        return true;
    }

    /// <summary>An SPM or data told us the oldest sequence the source still holds: anything older that we lack is lost.</summary>
    public void OnTrail(uint trail)
    {
        if (!Defined || !PgmWire.Before(Next, trail))
        {
            return;
        }

        if ((uint)(trail - Next) >= MaxSpan)
        {
            SkipTo(trail);
            return;
        }

        while (PgmWire.Before(Next, trail))
        {
            if (!DrainOne())
            {
                LoseNext();
            }
        }

        DrainHeld();
    }

    /// <summary>An SPM's lead: packets up to it exist, so missing ones at the tail are found even when no later data comes.</summary>
    public void OnSpmLead(uint lead, long now)
    {
        if (!Defined)
        {
            // Like OpenPGM: an SPM heard before any data joins the source just after its lead, so
            // the first data packets are expected and NAKed when lost. Joined at the first data
            // seen instead, a receiver silently skipped a lost first packet (records missing
            // with no gap reported: a flaky 2%-loss test found it).
            Define(lead + 1);
            return;
        }

        if (PgmWire.Before(Lead, lead) && (uint)(lead - Next) < MaxSpan)
        {
            ExtendLead(lead + 1, now);
            Lead = lead;
        }
    }

    /// <summary>Repair gave up on <paramref name="sequence"/>: deliver around it.</summary>
    public void Abandon(uint sequence)
    {
        Naks.Remove(sequence);
        if (!PgmWire.Before(sequence, Next))
        {
            OnTrail(sequence + 1);
        }
    }

    /// <summary>Returns held buffers to the pool.</summary>
    public void Release()
    {
        foreach (var (buffer, _) in _held.Values)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _held.Clear();
        Naks.Clear();
    }

    private void ExtendLead(uint sequence, long now)
    {
        // Every sequence between the old lead and this one is missing: start its repair timer.
        for (uint s = Lead + 1; PgmWire.Before(s, sequence); s++)
        {
            Naks[s] = new NakState { Phase = NakPhase.BackOff, Deadline = NakTimers.RandomBackOff(now) };
        }

        if (PgmWire.Before(Lead, sequence))
        {
            Lead = sequence;
        }
    }

    private void Define(uint next)
    {
        Defined = true;
        Next = next;
        Lead = next - 1;
    }

    private void SkipTo(uint sequence)
    {
        Lost += (uint)(sequence - Next);
        Release();
        Reader.OnLoss();
        Next = sequence;
        if (PgmWire.Before(Lead, sequence - 1))
        {
            Lead = sequence - 1;
        }
    }

    private void LoseNext()
    {
        Naks.Remove(Next);
        Lost++;
        Reader.OnLoss();
        Next++;
    }

    private void DrainHeld()
    {
        while (DrainOne())
        {
        }
    }

    private bool DrainOne()
    {
        if (!_held.Remove(Next, out var held))
        {
            return false;
        }

        try
        {
            Deliver(held.Buffer.AsSpan(0, held.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(held.Buffer);
        }

        return true;
    }

    private void Deliver(ReadOnlySpan<byte> payload)
    {
        Naks.Remove(Next);
        Next++;
        Delivered++;
        Reader.OnTsdu(payload);
    }
}
