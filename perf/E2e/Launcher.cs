using System.Globalization;
using Telemetry.Perf.Workers;

namespace Telemetry.Perf.E2e;

/// <summary>Starts the parties of a scenario: perf workers (this executable), the relay host, the libzmq peer.</summary>
internal sealed class Launcher(E2eSettings settings)
{
    private readonly string _offset = SharedClock.OffsetNs.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>perf worker ROLE ...</c>, with the clock offset every worker shares.</summary>
    public PartyProcess Worker(string label, string role, params string[] args)
    {
        var (file, prefix) = Self();
        return PartyProcess.Start(label, file, [.. prefix, "worker", role, .. args, "--clock-offset", _offset]);
    }

    /// <summary>A subscriber worker's window flags, from the settings.</summary>
    public string[] Window(double? seconds = null) =>
        ["--warmup", Text(settings.WarmupSeconds), "--seconds", Text(seconds ?? settings.Seconds)];

    public PartyProcess Relay(string upstream, string bind)
    {
        string dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "relay", "bin", settings.Configuration, "net10.0", "Telemetry.Relay.dll"));
        return !File.Exists(dll)
            ? throw new FileNotFoundException($"relay host not built: {dll}")
            : PartyProcess.Start("relay", "dotnet", [dll, "--upstream", upstream, "--bind", bind, "--metrics-port", "0"]);
    }

    public static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>How to run this executable again: its apphost, or <c>dotnet Telemetry.Perf.dll</c>.</summary>
    private static (string File, string[] Prefix) Self()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        string dll = typeof(Launcher).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? (process, [dll]) : (process, []);
    }
}
