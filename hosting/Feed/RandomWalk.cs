namespace Telemetry.Hosting.Feed;

/// <summary>
/// A cheap deterministic price process per symbol: prices in cents move by at most a few ticks per
/// update and never fall below one dollar. xorshift instead of System.Random: no allocation, no lock.
/// Now and then a symbol is halted, reopens through an auction and trades again, so a board shows
/// every trading status the feed can carry.
/// </summary>
internal sealed class RandomWalk
{
    public const byte PriceScale = 2;

    /// <summary>The venue every simulated tick carries (the topics say <c>md.SIM.</c>).</summary>
    public static readonly Venue Venue = new("SIM");

    // Per update: a trading symbol is halted about once in 100,000 updates; a halted one moves to
    // the reopening auction, and an auction ends in trading, each about once in 200.
    private const ulong HaltOdds = 100_000;
    private const ulong ReopenOdds = 200;

    private readonly long[] _prices;
    private readonly TradingStatus[] _status;
    private ulong _state;

    public RandomWalk(int symbols, ulong seed)
    {
        _state = seed | 1;
        _prices = new long[symbols];
        _status = new TradingStatus[symbols];
        Array.Fill(_status, TradingStatus.Trading);
        for (int i = 0; i < symbols; i++)
        {
            _prices[i] = 2_000 + (long)(Next() % 48_000); // $20.00 .. $500.00
        }
    }

    public int NextSymbol(int symbols) => (int)(Next() % (ulong)symbols);

    public Tick NextTick(int symbol, long exchangeTimeNs)
    {
        ulong r = Next();
        long price = Math.Max(100, _prices[symbol] + (long)(r % 7) - 3);
        _prices[symbol] = price;
        long size = 1 + (long)((r >> 8) % 1000);
        long bidSize = 100 * (1 + (long)((r >> 20) % 50));
        long askSize = 100 * (1 + (long)((r >> 28) % 50));
        var status = _status[symbol] = NextStatus(_status[symbol], r >> 36);
        return new Tick(exchangeTimeNs, price, price - 1, price + 1, size, PriceScale, 0, TickFlags.Trade | TickFlags.Simulated, bidSize, askSize, Venue, status);
    }

    private static TradingStatus NextStatus(TradingStatus status, ulong r) => status switch
    {
        TradingStatus.Trading when r % HaltOdds == 0 => TradingStatus.Halted,
        TradingStatus.Halted when r % ReopenOdds == 0 => TradingStatus.Auction,
        TradingStatus.Auction when r % ReopenOdds == 0 => TradingStatus.Trading,
        _ => status,
    };

    private ulong Next()
    {
        _state ^= _state << 13;
        _state ^= _state >> 7;
        _state ^= _state << 17;
        return _state;
    }
}
