using System.Diagnostics;
using System.Text.Json;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Interop;

/// <summary>
/// Starts the scripts of tests/interop with Debian's Python (pyzmq over libzmq, msgpack): the real
/// ZeroMQ peer. Tests skip, with the reason, when that Python or its modules are missing.
/// </summary>
internal static class PythonPeer
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> MissingReason = new(FindMissingReason);

    /// <summary>Why the Python peer cannot run here, or null when it can.</summary>
    public static string? Unavailable => MissingReason.Value;

    public static string ScriptsDirectory => Path.Combine(RepoPaths.Root, "tests", "interop");

    public static void SkipIfUnavailable() => Skip.If(Unavailable is not null, Unavailable);

    public static ChildProcess Start(string script, params string[] args) =>
        ChildProcess.Start(Python, [Path.Combine(ScriptsDirectory, script), .. args]);

    /// <summary>The JSON objects a script printed on stdout (one per line), in order.</summary>
    public static IReadOnlyList<JsonElement> JsonLines(ChildProcess process) =>
        [.. process.StdoutLines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    /// <summary>The last JSON line whose "event" is <paramref name="name"/>.</summary>
    public static JsonElement Event(ChildProcess process, string name) =>
        JsonLines(process).LastOrDefault(e => e.TryGetProperty("event", out var v) && v.GetString() == name) is { ValueKind: JsonValueKind.Object } found
            ? found
            : throw new Xunit.Sdk.XunitException($"No '{name}' event from the script.\n{process.Describe()}");

    private static string? FindMissingReason()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is not installed (Debian's python3 with python3-zmq and python3-msgpack is the libzmq peer).";
        }

        using var probe = Process.Start(new ProcessStartInfo(Python, ["-c", "import zmq, msgpack"]) { RedirectStandardError = true, UseShellExecute = false })!;
        string error = probe.StandardError.ReadToEnd();
        probe.WaitForExit();
        return probe.ExitCode == 0 ? null : $"{Python} cannot import zmq and msgpack (install python3-zmq python3-msgpack): {error.Trim()}";
    }
}
