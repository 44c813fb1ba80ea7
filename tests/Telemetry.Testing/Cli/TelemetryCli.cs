using System.Text.Json;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Cli;

/// <summary>Runs the built <c>telemetry</c> CLI as a real process.</summary>
internal static class TelemetryCli
{
    public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    public static string Dll => RepoPaths.Program("cli", "telemetry");

    public static ChildProcess Start(params string[] args) => ChildProcess.StartDotnet(Dll, args);

    /// <summary>Runs the CLI with stdout sent to <paramref name="stdoutFile"/> (for output too large to keep in memory); same pid as the CLI.</summary>
    public static ChildProcess StartToFile(string stdoutFile, params string[] args) =>
        ChildProcess.Start("sh", ["-c", "exec dotnet \"$0\" \"$@\" > \"$STDOUT_FILE\"", Dll, .. args], new Dictionary<string, string> { ["STDOUT_FILE"] = stdoutFile });

    public static void Signal(ChildProcess process, string signal) =>
        System.Diagnostics.Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public static JsonElement[] JsonLines(IEnumerable<string> lines) =>
        [.. lines.Select(line => JsonDocument.Parse(line).RootElement)];

    /// <summary>The exact text of a JSON number or string field, so decimals are compared as written, not as doubles.</summary>
    public static string Raw(this JsonElement line, string field) => line.GetProperty(field).GetRawText();
}
