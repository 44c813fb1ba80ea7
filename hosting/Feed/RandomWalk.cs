namespace Telemetry.Hosting.Feed;

/// <summary>
/// A cheap deterministic price process per symbol: prices in cents move by at most a few ticks per
/// update and never fall below one dollar. xorshift instead of System.Random: no allocation, no lock.
/// </summary>
internal sealed class RandomWalk
{
    public const byte PriceScale = 2;

    private readonly long[] _prices;
    private ulong _state;

    public RandomWalk(int symbols, ulong seed)
    {
        _state = seed | 1;
        _prices = new long[symbols];
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
        return new Tick(exchangeTimeNs, price, price - 1, price + 1, size, PriceScale, 0, TickFlags.Trade | TickFlags.Simulated);
    }

    private ulong Next()
    {
        _state ^= _state << 13;
        _state ^= _state >> 7;
        _state ^= _state << 17;
        return _state;
    }
}
