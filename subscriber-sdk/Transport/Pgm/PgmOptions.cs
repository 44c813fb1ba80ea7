namespace Telemetry;

/// <summary>
/// Settings of the <c>epgm://</c> transport (PGM over UDP, interoperable with libzmq). Immutable;
/// change with <c>with</c>. The rate and recovery interval size the sender's transmit window
/// (rate x interval bytes), which bounds how far back a receiver can ask for a repair.
/// </summary>
public sealed record PgmOptions
{
    /// <summary>Market-data defaults: 100 Mbit/s, 3 s of repair history (about 37 MB of window), TPDU 1500, one hop.</summary>
    public static PgmOptions Default { get; } = new();

    /// <summary>Most a sender puts on the wire, in kbit/s, counting IP/UDP/PGM headers and repairs (libzmq's ZMQ_RATE; its default is 100).</summary>
    public int RateKbps { get; init; } = 100_000;

    /// <summary>How long sent data stays available for repair (libzmq's ZMQ_RECOVERY_IVL; its default is 10 s).</summary>
    public TimeSpan RecoveryInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Largest IP packet, headers included; the link's MTU.</summary>
    public int MaxTpdu { get; init; } = 1500;

    /// <summary>Multicast TTL; 1 keeps the traffic on the local network, as libzmq's default does.</summary>
    public int Hops { get; init; } = 1;

    /// <summary>Receives one's own multicast on the sending host; libzmq turns this off, and so do we by default.</summary>
    public bool MulticastLoopback { get; init; }

    /// <summary>Kernel receive buffer requested for the receiver's socket; losses beyond it are repaired by NAKs.</summary>
    public int ReceiveBufferBytes { get; init; } = 8 << 20;

    /// <summary>Returns the problems with these settings; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Check(problems, RateKbps is >= 10 and <= 10_000_000, "RateKbps must be 10 to 10,000,000.");
        Check(problems, RecoveryInterval >= TimeSpan.FromMilliseconds(1) && RecoveryInterval <= TimeSpan.FromMinutes(10), "RecoveryInterval must be 1 ms to 10 min.");
        Check(problems, MaxTpdu is >= 256 and <= 9000, "MaxTpdu must be 256 to 9000.");
        Check(problems, Hops is >= 1 and <= 255, "Hops must be 1 to 255.");
        Check(problems, ReceiveBufferBytes >= 64 * 1024, "ReceiveBufferBytes must be at least 64 KiB.");
        return problems;
    }

    private static void Check(List<string> problems, bool valid, string problem)
    {
        if (!valid)
        {
            problems.Add(problem);
        }
    }

    /// <summary>Rate in bytes per second.</summary>
    internal long RateBytesPerSecond => RateKbps * 1000L / 8;

    /// <summary>Packets the transmit window holds: rate x interval / TPDU, at least 64 so that tiny settings still repair a burst.</summary>
    internal int WindowPackets => (int)Math.Clamp(RateBytesPerSecond * RecoveryInterval.TotalSeconds / MaxTpdu, 64, 1 << 22);
}
