namespace Telemetry.Publisher;

/// <summary>
/// The publisher host's flags and the configuration keys they set.
/// </summary>
internal static class CommandLine
{
    public const string Usage = """
        Usage: publisher [--bind EP]... [--connect EP]... [--snapshot-bind EP]... [--symbols N] [--rate N] [--name NAME]
                         [--exchange CODE] [--metrics-port N] [--queue-full block|dropnewest]
                         [--pgm-rate KBPS] [--pgm-recovery HH:MM:SS.fff]
          --bind EP          endpoint to bind (repeatable), e.g. tcp://127.0.0.1:5556 or, multicast
                             (PGM, as libzmq's epgm), "epgm://10.231.0.1;239.192.7.1:5600"
          --connect EP       endpoint to connect to (repeatable), e.g. a relay or sink
          --snapshot-bind EP late-join snapshot service (repeatable; default: each --bind's port + 1)
          --symbols N        number of simulated symbols (default 50)
          --rate N           total ticks per second, 0 = as fast as possible (default 20000)
          --name NAME        publisher name written in every batch (default sim-feed)
          --exchange CODE    topic exchange code: md.<CODE>.<SYMBOL> (default SIM)
          --metrics-port N   Prometheus /metrics port, 0 = off (default 9101)
          --queue-full MODE  block (default) or dropnewest when the send queue is full
          --window-bytes N   bytes of sent batches kept for gap repair (default 268435456; 0 = none)
          --window-age T     longest a sent batch is kept for gap repair (default 00:00:30)
          --pgm-rate KBPS    epgm send rate in kbit/s, headers and repairs included (default 100000)
          --pgm-recovery T   epgm repair history, e.g. 00:00:03 (default 3 s)
          --curve-key FILE.key         CURVE secret key: bound endpoints (data and snapshot) are encrypted
                                       and accept only clients that know FILE.pub
          --curve-server-key FILE.pub  CURVE public key of the server behind --connect (e.g. a sink)
          --entitlement-secret FILE    honour only subscriptions with a token signed with this secret
                                       (telemetry token --new-secret FILE writes one)
        Any setting can also come from appsettings.json or environment variables such as
        Telemetry__Publisher__MaxBatchRecords=256. With no --bind or --connect anywhere, it binds
        tcp://127.0.0.1:5556.
        """;

    private static readonly Hosting.CommandLineFlags Flags = new(
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--symbols"] = "Feed:Symbols",
            ["--rate"] = "Feed:Rate",
            ["--exchange"] = "Feed:Exchange",
            ["--name"] = "Telemetry:Publisher:Name",
            ["--metrics-port"] = "Metrics:Port",
            ["--queue-full"] = "Telemetry:Publisher:QueueFullMode",
            ["--window-bytes"] = "Telemetry:Publisher:RetransmitWindowBytes",
            ["--window-age"] = "Telemetry:Publisher:RetransmitWindowAge",
            ["--pgm-rate"] = "Telemetry:Publisher:Pgm:RateKbps",
            ["--pgm-recovery"] = "Telemetry:Publisher:Pgm:RecoveryInterval",
            ["--curve-key"] = "Telemetry:Publisher:CurveSecretKeyFile",
            ["--curve-server-key"] = "Telemetry:Publisher:CurveServerKeyFile",
            ["--entitlement-secret"] = "Telemetry:Publisher:EntitlementSecretFile",
        },
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--bind"] = "Telemetry:Publisher:Bind",
            ["--connect"] = "Telemetry:Publisher:Connect",
            ["--snapshot-bind"] = "Telemetry:Publisher:SnapshotBind",
        });

    /// <summary>Parses <paramref name="args"/>; returns null and an error message when they are wrong.</summary>
    public static Dictionary<string, string?>? Parse(string[] args, out string? error)
    {
        var flags = Flags.Parse(args, out error);
        if (flags is not null)
        {
            error = Hosting.KeyFiles.Resolve(flags, "Telemetry:Publisher:CurveSecretKeyFile", "Telemetry:Publisher:CurveSecretKey", secret: true)
                ?? Hosting.KeyFiles.Resolve(flags, "Telemetry:Publisher:CurveServerKeyFile", "Telemetry:Publisher:CurveServerKey", secret: false)
                ?? Hosting.KeyFiles.Resolve(flags, "Telemetry:Publisher:EntitlementSecretFile", "Telemetry:Publisher:EntitlementSecret", Hosting.KeyFiles.ReadEntitlementSecret);
        }

        return error is null ? flags : null;
    }
}
