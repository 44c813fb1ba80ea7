namespace Telemetry.Hosting.Feed;

/// <summary>The simulated market-data feed: how many symbols, how fast.</summary>
public sealed record FeedOptions
{
    /// <summary>Exchange code in the topic: <c>md.&lt;Exchange&gt;.&lt;SYMBOL&gt;</c>.</summary>
    public string Exchange { get; init; } = "SIM";

    /// <summary>Number of symbols.</summary>
    public int Symbols { get; init; } = 50;

    /// <summary>Total records per second across all symbols; 0 publishes as fast as the publisher takes them.</summary>
    public long Rate { get; init; } = 20_000;

    /// <summary>Returns the problems with these settings.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Symbols is < 1 or > 1_000_000)
        {
            problems.Add("Feed:Symbols must be 1 to 1,000,000.");
        }

        if (Rate < 0)
        {
            problems.Add("Feed:Rate must not be negative.");
        }

        if (string.IsNullOrWhiteSpace(Exchange) || Exchange.Contains('.', StringComparison.Ordinal))
        {
            problems.Add("Feed:Exchange must be a non-empty word without dots.");
        }

        return problems;
    }
}
