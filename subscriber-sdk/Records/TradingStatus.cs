namespace Telemetry;

/// <summary>
/// An instrument's trading status as a tick reports it. On the wire an integer; a reader that meets
/// a value it does not know keeps the number (the enum holds it) and should show it as unknown.
/// </summary>
public enum TradingStatus : byte
{
    /// <summary>Not reported: ticks written before the field existed read as this.</summary>
    Unknown = 0,

    /// <summary>Continuous trading.</summary>
    Trading = 1,

    /// <summary>Trading halted or suspended: prices are stale until trading resumes.</summary>
    Halted = 2,

    /// <summary>In an auction (opening, closing or volatility): bid and ask are indicative.</summary>
    Auction = 3,

    /// <summary>Outside trading hours.</summary>
    Closed = 4,
}
