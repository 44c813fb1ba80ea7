using System.Globalization;

namespace Telemetry.Perf.Soak;

/// <summary>
/// <c>perf soak-subscriber --connect EP</c>: the soak's subscriber process. Decodes every tick and
/// prints its counters once a second as <c>counts records=N gaps=N missing=N</c> until killed.
/// </summary>
internal static class SoakSubscriber
{
    public const string LinePrefix = "counts ";

    public static async Task<int> RunAsync(string connect)
    {
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [connect], Prefixes = ["md."] });
        long checksum = 0;
        subscriber.Start((in RecordBatch batch) =>
        {
            foreach (var tick in batch.Records<Tick>())
            {
                checksum += tick.Price;
            }
        });

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync())
        {
            var s = subscriber.GetStats();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{LinePrefix}records={s.Records} gaps={s.Gaps} missing={s.MissingRecords} checksum={checksum & 0xFF}"));
        }

        return 0;
    }

    /// <summary>Reads a counter back from the last line the process printed; 0 before the first.</summary>
    public static long Read(string? line, string name)
    {
        if (line is null)
        {
            return 0;
        }

        foreach (var part in line[LinePrefix.Length..].Split(' '))
        {
            if (part.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return long.Parse(part.AsSpan(name.Length + 1), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
