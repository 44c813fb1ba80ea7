namespace Telemetry.Perf.Soak;

/// <summary>What a soak runs: <c>perf soak [--minutes N] [--rate N] [--symbols N] [--warmup-seconds N] [--sample-seconds N] [--out DIR]</c>.</summary>
internal sealed record SoakSettings
{
    public int Minutes { get; init; } = 10;

    /// <summary>Records per second over all symbols, paced by the publisher host's feed.</summary>
    public int Rate { get; init; } = 1_000_000;

    public int Symbols { get; init; } = 50;

    /// <summary>Samples before this are shown but not judged: the JIT, tiered compilation, pools and GC budgets settle first.</summary>
    public int WarmupSeconds { get; init; } = 60;

    public int SampleSeconds { get; init; } = 10;

    /// <summary>Largest spread of RSS after warm-up still called flat: (max - min) / min.</summary>
    public double Tolerance { get; init; } = 0.10;

    public string OutputDirectory { get; init; } = "soak-results";
}
