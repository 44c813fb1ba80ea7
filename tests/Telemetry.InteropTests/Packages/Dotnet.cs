using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Packages;

/// <summary>The dotnet command (pack, build, tool install) as a process, failing the test with its output when it fails.</summary>
internal static class Dotnet
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static readonly Dictionary<string, string> Quiet = new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    public static async Task RunAsync(string workingDirectory, string[] args)
    {
        await using var process = ChildProcess.Start("sh", ["-c", "cd \"$0\" && exec dotnet \"$@\"", workingDirectory, .. args], Quiet);
        int exit = await process.WaitForExitAsync(Timeout);
        Assert.True(exit == 0, $"dotnet {string.Join(' ', args)} exited with {exit}:\n{string.Join('\n', process.StdoutLines.Concat(process.StderrLines))}");
    }
}
