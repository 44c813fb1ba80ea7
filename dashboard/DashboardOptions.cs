namespace Telemetry.Dashboard;

/// <summary>Settings of the dashboard: what it subscribes to, where it serves the page, how often it pushes.</summary>
public sealed record DashboardOptions
{
    /// <summary>Prefixes subscribed when none are given: market data, logs and metrics.</summary>
    public static IReadOnlyList<string> DefaultPrefixes { get; } = ["md.", "log.", "metric."];

    /// <summary>Publishers or relays to attach to. Empty runs the embedded demo topology.</summary>
    public IReadOnlyList<string> Connect { get; init; } = [];

    /// <summary>Topic prefixes to subscribe; empty means <see cref="DefaultPrefixes"/>.</summary>
    public IReadOnlyList<string> Prefixes { get; init; } = [];

    /// <summary>Public key (Z85) of the CURVE publisher or relay behind <see cref="Connect"/>; null is plaintext.</summary>
    public string? CurveServerKey { get; init; }

    /// <summary>Entitlement token sent with the subscriptions, for publishers and relays that enforce entitlements.</summary>
    public string? EntitlementToken { get; init; }

    /// <summary>
    /// Whether to take the relays' conflated feed (<see cref="SubscriberOptions.Conflation"/>): each
    /// topic's latest value about 10 times a second rather than every record. The default,
    /// <see cref="Conflation.WhenBehind"/>, takes every record while the dashboard keeps up and
    /// switches a prefix to latest values while it falls behind (a slow link); logs are never
    /// conflated. The page shows at most 10 updates a second per topic either way. The demo topology
    /// (no <see cref="Connect"/>) always takes every record.
    /// </summary>
    public Conflation Conflation { get; init; } = Conflation.WhenBehind;

    /// <summary>HTTP port of the page and <c>/metrics</c>.</summary>
    public int Port { get; init; } = 5080;

    /// <summary>Host name Kestrel listens on; <c>localhost</c> keeps it on loopback.</summary>
    public string Host { get; init; } = "localhost";

    /// <summary>How often changed topics are pushed: 100 ms gives at most 10 updates per second per topic.</summary>
    public int PushIntervalMs { get; init; } = 100;

    /// <summary>Log records kept for the log tail and sent to a newly opened page.</summary>
    public int LogCapacity { get; init; } = 1000;

    /// <summary>True when no endpoint is given: the dashboard feeds itself from the demo topology.</summary>
    public bool Demo => Connect.Count == 0;

    /// <summary>The prefixes actually subscribed.</summary>
    public IReadOnlyList<string> EffectivePrefixes => Prefixes.Count > 0 ? Prefixes : DefaultPrefixes;

    /// <summary>Returns the problems with these settings.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Port is < 0 or > 65535)
        {
            problems.Add("Dashboard:Port must be 0 to 65535.");
        }

        if (PushIntervalMs is < 10 or > 10_000)
        {
            problems.Add("Dashboard:PushIntervalMs must be 10 to 10,000.");
        }

        if (LogCapacity is < 10 or > 1_000_000)
        {
            problems.Add("Dashboard:LogCapacity must be 10 to 1,000,000.");
        }

        if (CurveServerKey is not null && !CurveKeyPair.IsZ85Key(CurveServerKey))
        {
            problems.Add("Dashboard:CurveServerKey must be a 40-character Z85 key.");
        }

        problems.AddRange(Connect.Where(e => !Hosting.EndpointText.IsValid(e)).Select(e => $"'{e}' is not a tcp://, inproc:// or ipc:// endpoint."));
        return problems;
    }
}
