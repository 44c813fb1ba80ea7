namespace Telemetry.Perf.E2e;

/// <summary>How long each scenario measures; <c>--quick</c> keeps the whole run under three minutes.</summary>
internal sealed record E2eSettings(bool Quick, double WarmupSeconds, double Seconds, double LatencySeconds, double StallSeconds, string Configuration)
{
    public static E2eSettings For(bool quick, string configuration) => quick
        ? new E2eSettings(true, 1, 3, 5, 6, configuration)
        : new E2eSettings(false, 3, 15, 30, 20, configuration);
}
