namespace Telemetry;

/// <summary>Flags carried with each tick.</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Market-data vocabulary: these are the tick's flags.")]
public enum TickFlags : uint
{
    /// <summary>No flag set.</summary>
    None = 0,

    /// <summary>The record is a trade (price and size are the last trade).</summary>
    Trade = 1,

    /// <summary>The record is a quote update (bid/ask changed).</summary>
    Quote = 2,

    /// <summary>The record was produced by a simulator, not an exchange.</summary>
    Simulated = 4,

    /// <summary>The record comes from a snapshot or replay, not the live stream.</summary>
    Snapshot = 8,
}
