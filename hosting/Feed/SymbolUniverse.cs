namespace Telemetry.Hosting.Feed;

/// <summary>Symbol names for the simulator: well-known tickers first, then generated ones.</summary>
internal static class SymbolUniverse
{
    private static readonly string[] WellKnown =
    [
        "AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "AVGO", "JPM", "LLY",
        "V", "UNH", "XOM", "MA", "JNJ", "PG", "HD", "COST", "ABBV", "MRK",
        "ORCL", "CVX", "BAC", "KO", "PEP", "ADBE", "CRM", "NFLX", "AMD", "TMO",
        "WMT", "MCD", "CSCO", "ACN", "ABT", "LIN", "DHR", "INTC", "DIS", "VZ",
        "CMCSA", "TXN", "PFE", "NKE", "PM", "WFC", "QCOM", "IBM", "AMGN", "HON",
    ];

    public static string[] Take(int count) =>
        [.. Enumerable.Range(0, count).Select(i => i < WellKnown.Length ? WellKnown[i] : $"SYM{i:D5}")];
}
