namespace Telemetry;

/// <summary>What a subscriber does when records of a stream are missing (docs/wire-format.md, section 14).</summary>
public enum GapRepair
{
    /// <summary>By kind: <see cref="Hold"/> for <c>log</c> (every record, in order), <see cref="Immediate"/> for everything else (ticks, metrics: the latest value, fast).</summary>
    ByKind,

    /// <summary>Ask for the missing records and hold the stream's later records until they come (or the repair gives up), so every record is delivered in order.</summary>
    Hold,

    /// <summary>Ask for the missing records and deliver everything at once; repaired records come later, marked <see cref="BatchHeader.Repaired"/>.</summary>
    Immediate,

    /// <summary>Do not ask: report every hole as a gap at once.</summary>
    Off,
}
