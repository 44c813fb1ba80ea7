namespace Telemetry.Dashboard;

/// <summary>The dashboard's flags and the configuration keys they set.</summary>
internal static class CommandLine
{
    public const string Usage = """
        Usage: dashboard [--connect EP]... [--prefix P]... [--port N] [--host NAME] [--symbols N] [--rate N]
          --connect EP   publisher or relay to attach to (repeatable), e.g. tcp://127.0.0.1:5556.
                         Without it the dashboard runs a demo topology in-process: a simulated feed,
                         log and metric publishers and a relay, all on loopback.
          --prefix P     topic prefix to subscribe (repeatable; default md. log. metric.)
          --curve-server-key FILE.pub   CURVE public key of the publisher or relay behind --connect
          --token-file FILE             entitlement token sent with the subscriptions (telemetry token)
          --conflate MODE               off, always or WhenBehind (default): the relays' latest values ~10 times a second while behind
          --port N       HTTP port of the page and /metrics (default 5080)
          --host NAME    host name to listen on (default localhost: loopback only)
          --symbols N    demo feed: number of symbols (default 50)
          --rate N       demo feed: ticks per second in total (default 20000)
        Settings can also come from appsettings.json (sections Dashboard and Feed) or environment
        variables such as Dashboard__PushIntervalMs=250.
        """;

    private static readonly Hosting.CommandLineFlags Flags = new(
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--port"] = "Dashboard:Port",
            ["--host"] = "Dashboard:Host",
            ["--symbols"] = "Feed:Symbols",
            ["--rate"] = "Feed:Rate",
            ["--curve-server-key"] = "Dashboard:CurveServerKeyFile",
            ["--token-file"] = "Dashboard:EntitlementTokenFile",
            ["--conflate"] = "Dashboard:Conflation",
        },
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--connect"] = "Dashboard:Connect",
            ["--prefix"] = "Dashboard:Prefixes",
        });

    /// <summary>Parses <paramref name="args"/>; returns null and an error message (empty for --help) when it cannot.</summary>
    public static Dictionary<string, string?>? Parse(string[] args, out string? error)
    {
        var flags = Flags.Parse(args, out error);
        if (flags is not null)
        {
            error = Hosting.KeyFiles.Resolve(flags, "Dashboard:CurveServerKeyFile", "Dashboard:CurveServerKey", secret: false)
                ?? Hosting.KeyFiles.Resolve(flags, "Dashboard:EntitlementTokenFile", "Dashboard:EntitlementToken", Hosting.KeyFiles.ReadToken);
        }

        return error is null ? flags : null;
    }
}
