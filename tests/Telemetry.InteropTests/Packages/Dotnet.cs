using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Packages;

/// <summary>The dotnet command (pack, build, tool install) as a process, failing the test with its output when it fails.</summary>
internal static class Dotnet
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<string> RunAsync(string workingDirectory, string[] args, IDictionary<string, string>? environment = null) =>
        await RunAsync("dotnet", workingDirectory, args, environment);

    public static async Task<string> RunAsync(string program, string workingDirectory, string[] args, IDictionary<string, string>? environment = null)
    {
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        await using var process = ChildProcess.Start("sh", ["-c", "cd \"$0\" && exec \"$@\"", workingDirectory, program, .. args], env);
        int exit = await process.WaitForExitAsync(Timeout);
        string output = string.Join('\n', process.StdoutLines.Concat(process.StderrLines));
        Assert.True(exit == 0, $"{program} {string.Join(' ', args)} exited with {exit}:\n{output}");
        return output;
    }
}
