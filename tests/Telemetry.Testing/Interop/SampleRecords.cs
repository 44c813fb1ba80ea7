namespace Telemetry.Tests.Interop;

/// <summary>The records tests/interop/sample_records.py publishes, recomputed; change both together.</summary>
internal static class SampleRecords
{
    public const long BaseNs = 1_767_225_600_000_000_000;

    public static Tick Tick(int topicIndex, long seq)
    {
        if (seq == 1)
        {
            return new Tick(BaseNs + topicIndex, long.MaxValue, long.MinValue, 0, 0, 18, 0, TickFlags.None);
        }

        long price = (1_000_000L * (topicIndex + 1)) + seq;
        if (seq % 10 == 0)
        {
            price = -price;
        }

        var tick = new Tick(
            BaseNs + (seq * 1_000) + topicIndex,
            price,
            price - 1 - (seq % 7),
            price + 1 + (seq % 5),
            (seq * 100) + topicIndex,
            (byte)(((topicIndex * 4) + seq) % 19),
            (byte)(seq % 3),
            (TickFlags)(seq % 16));
        return seq % 4 == 0
            ? tick
            : tick with
            {
                BidSize = seq * 10,
                AskSize = seq % 9 == 0 ? -(seq * 10) : (seq * 20) + 1,
                Venue = new Venue(Venues[seq % Venues.Length]),
                Status = (TradingStatus)(seq % 5),
            };
    }

    private static readonly string[] Venues = ["XNAS", "XNYS", "BATS", "X"];

    public static LogRecord Log(int index) => new(
        BaseNs + index,
        (Microsoft.Extensions.Logging.LogLevel)(index % 6),
        "Orders.Api",
        $"order {index} accepted \u2713",
        index % 2 == 1 ? "System.TimeoutException: late" : null,
        // The producer sends "attempt" as an integer; the SDK keeps property values as text.
        index % 3 != 0 ? new Dictionary<string, string> { ["order"] = $"{index}", ["attempt"] = $"{index}" } : null);

    public static MetricSample Metric(int index) => new(
        "cpu_seconds_total",
        index % 2 == 1 ? new Dictionary<string, string> { ["host"] = "py-host", ["core"] = $"{index}" } : null,
        index + 0.1,
        BaseNs + index,
        MetricType.Counter,
        index % 2 == 1 ? "s" : null);
}
