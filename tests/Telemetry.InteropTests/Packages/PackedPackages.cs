using System.Globalization;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Packages;

/// <summary>
/// <c>dotnet pack Telemetry.sln</c> once for the package tests, into a folder of its own, with a
/// version of this run's own (0.9.0-ci.N): whatever restores it next cannot be handed an older
/// package of the same version from NuGet's global cache.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("telemetry-packages-").FullName;

    public string Version { get; } = "0.9.0-ci." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        // --no-build: the packages hold the assemblies the other tests ran against (tests/run.sh builds first).
        await Dotnet.RunAsync(
            RepoPaths.Root,
            ["pack", "Telemetry.sln", "-c", RepoPaths.Configuration, "--no-build", "-o", Folder, "-p:VersionSuffix=" + Version["0.9.0-".Length..]]);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}
