namespace Telemetry.Perf.Micro;

/// <summary>Ticks shaped like the e2e publisher's: a current timestamp, small price moves, small sizes.</summary>
internal static class SampleTicks
{
    public static Tick[] Create(int count)
    {
        long now = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            long price = 1_000_000 + (i & 1023);
            return new Tick(now + i, price, price - 1, price + 1, 100 + (i & 15), 4, 0, TickFlags.Trade);
        })];
    }
}
