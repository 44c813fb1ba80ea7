using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telemetry.Hosting;
using Telemetry.Relay;

const string usage = """
    Usage: relay (--upstream EP | --collect EP)... --bind EP [--bind EP]... [--name NAME] [--metrics-port N]
      --upstream EP      publisher or relay to read from (repeatable), e.g. tcp://127.0.0.1:5556
      --collect EP       collector mode: bind EP for applications' publishers to connect to (repeatable), e.g. tcp://0.0.0.0:5570
      --bind EP          endpoint for downstream subscribers and relays (repeatable), e.g. tcp://127.0.0.1:5560
      --snapshot-bind EP       late-join snapshot service (repeatable; default: each --bind's port + 1)
      --upstream-snapshot EP   upstream snapshot services to ask first (repeatable; default: each --upstream's port + 1)
      --name NAME        relay name in logs (default relay)
      --metrics-port N   Prometheus /metrics port, 0 = off (default 9102)
      --pgm-rate KBPS    epgm:// send rate in kbit/s (default 100000); either side may be "epgm://IFACE;GROUP:PORT"
      --pgm-recovery T   epgm:// repair history, e.g. 00:00:03 (default 3 s)
      --curve-key FILE.key         CURVE secret key of the bound sides (data, snapshot, --collect): encrypted, clients need FILE.pub
      --curve-server-key FILE.pub  CURVE public key of the upstream publisher or relay
      --entitlement-secret FILE    enforce entitlements downstream: honour only subscriptions with a token signed with this secret
      --token-file FILE            this relay's own entitlement token, presented upstream
      --window-bytes N             bytes of forwarded batches kept for gap repair (default 268435456; 0 = none)
      --window-age HH:MM:SS        longest a forwarded batch is kept for gap repair (default 00:00:30)
      --conflate-interval HH:MM:SS.FFF  how often conflated peers (_cfl. subscriptions) get each changed topic's latest value (default 00:00:00.100)
      --upstream-repair-timeout HH:MM:SS.FFF  how long a repair request passed upstream may go unanswered (default 00:00:05)
    Settings can also come from appsettings.json (section Relay) and environment variables (Relay__Upstream__0=...).
    """;

PrometheusDefaults.Apply();
var flags = new CommandLineFlags(
    new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--name"] = "Relay:Name",
        ["--metrics-port"] = "Metrics:Port",
        ["--curve-key"] = "Relay:CurveSecretKeyFile",
        ["--curve-server-key"] = "Relay:CurveServerKeyFile",
        ["--entitlement-secret"] = "Relay:EntitlementSecretFile",
        ["--token-file"] = "Relay:EntitlementTokenFile",
        ["--pgm-rate"] = "Relay:Pgm:RateKbps",
        ["--pgm-recovery"] = "Relay:Pgm:RecoveryInterval",
        ["--window-bytes"] = "Relay:RetransmitWindowBytes",
        ["--window-age"] = "Relay:RetransmitWindowAge",
        ["--conflate-interval"] = "Relay:ConflateInterval",
        ["--upstream-repair-timeout"] = "Relay:UpstreamRepairTimeout",
    },
    new Dictionary<string, string>(StringComparer.Ordinal) { ["--upstream"] = "Relay:Upstream", ["--collect"] = "Relay:Collect", ["--bind"] = "Relay:Bind", ["--snapshot-bind"] = "Relay:SnapshotBind", ["--upstream-snapshot"] = "Relay:UpstreamSnapshot" })
    .Parse(args, out var error);
if (flags is null)
{
    Console.Error.WriteLine(error is { Length: > 0 } ? error + Environment.NewLine + usage : usage);
    return error is { Length: > 0 } ? HostRunner.InvalidConfiguration : 0;
}

error = KeyFiles.Resolve(flags, "Relay:CurveSecretKeyFile", "Relay:CurveSecretKey", secret: true)
    ?? KeyFiles.Resolve(flags, "Relay:CurveServerKeyFile", "Relay:CurveServerKey", secret: false)
    ?? KeyFiles.Resolve(flags, "Relay:EntitlementSecretFile", "Relay:EntitlementSecret", KeyFiles.ReadEntitlementSecret)
    ?? KeyFiles.Resolve(flags, "Relay:EntitlementTokenFile", "Relay:EntitlementToken", KeyFiles.ReadToken);
if (error is not null)
{
    Console.Error.WriteLine(error);
    return HostRunner.InvalidConfiguration;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddInMemoryCollection(flags);
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
builder.Services.AddTelemetryRelay();
builder.Services.AddOptions<MetricsOptions>().BindConfiguration("Metrics");
builder.Services.AddHostedService<RelayMetrics>();
return await HostRunner.RunAsync(builder.Build(), "Relay");
