namespace Telemetry.Tests.Infrastructure;

/// <summary>Where the repository and the built programs are, found from the test assembly's location.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration the tests were built in (Debug or Release), so programs are taken from the same build.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The built dll of a project folder, e.g. <c>Program("cli", "telemetry")</c>.</summary>
    public static string Program(string projectFolder, string assemblyName) =>
        Path.Combine(Root, projectFolder, "bin", Configuration, "net10.0", assemblyName + ".dll");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Telemetry.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Telemetry.sln not found above " + AppContext.BaseDirectory);
    }
}
