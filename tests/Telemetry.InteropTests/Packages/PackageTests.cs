using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using Telemetry.Tests.Dashboard;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Packages;

/// <summary>
/// What a .NET user gets: the packages <c>dotnet pack Telemetry.sln</c> makes, and a program outside
/// the repository (samples/OrdersApi, copied elsewhere) built from them alone, and the telemetry tool
/// installed from them, through a collector relay to the dashboard's metrics page and the tool's sub and sink.
/// </summary>
[Collection(nameof(PackageTestGroup))]
public class PackageTests(PackedPackages packages)
{
    private static readonly string[] Libraries = ["Telemetry.Sdk", "Telemetry.Pgm", "Telemetry.OpenTelemetry"];

    [Fact]
    public void The_solution_packs_exactly_the_libraries_for_applications_and_the_tool()
    {
        string[] made = [.. Directory.GetFiles(packages.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        string[] expected = [.. Libraries.Append("Telemetry.Cli").Select(id => $"{id}.{packages.Version}.nupkg").Order(StringComparer.Ordinal)];
        Assert.Equal(expected, made);
    }

    [Theory]
    [InlineData("Telemetry.Sdk", "NetMQ,MessagePack,Microsoft.Extensions.Hosting,Telemetry.Pgm")]
    [InlineData("Telemetry.Pgm", "NetMQ")]
    [InlineData("Telemetry.OpenTelemetry", "OpenTelemetry,Telemetry.Sdk")]
    public void Each_library_carries_its_version_readme_docs_licence_source_link_and_dependencies(string id, string dependencies)
    {
        using var package = ZipFile.OpenRead(Path.Combine(packages.Folder, $"{id}.{packages.Version}.nupkg"));
        var nuspec = Nuspec(package, id);
        Assert.Equal(packages.Version, Field(nuspec, "version"));
        Assert.Equal("MIT", Field(nuspec, "license"));
        Assert.Equal("expression", nuspec.Descendants().Single(e => e.Name.LocalName == "license").Attribute("type")?.Value);
        Assert.Equal("README.md", Field(nuspec, "readme"));
        Assert.False(string.IsNullOrWhiteSpace(Field(nuspec, "description")));
        Assert.Contains($"# {id}", Text(package, "README.md"), StringComparison.Ordinal);

        // SourceLink's repository information: the commit the package was built from. The sources
        // themselves are in the assembly's embedded PDB, so a debugger steps into them from the package.
        var repository = nuspec.Descendants().Single(e => e.Name.LocalName == "repository");
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? string.Empty);
        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));
        using (var dll = new MemoryStream())
        {
            using (var entry = package.GetEntry($"lib/net10.0/{id}.dll")!.Open())
            {
                entry.CopyTo(dll);
            }

            var sources = EmbeddedPdb.SourcesIn(dll.ToArray());
            Assert.True(sources.Count > 3, $"{id}.dll embeds {sources.Count} source files in its PDB");
        }

        var declared = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(dependencies.Split(',').ToHashSet(StringComparer.Ordinal), declared);
    }

    [Fact]
    public void The_cli_is_a_dotnet_tool_named_telemetry()
    {
        using var package = ZipFile.OpenRead(Path.Combine(packages.Folder, $"Telemetry.Cli.{packages.Version}.nupkg"));
        var nuspec = Nuspec(package, "Telemetry.Cli");
        Assert.Equal("DotnetTool", nuspec.Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name")?.Value);
        Assert.Equal("MIT", Field(nuspec, "license"));
        Assert.Contains("telemetry", Text(package, "README.md"), StringComparison.Ordinal);
        var settings = XDocument.Parse(Text(package, "tools/net10.0/any/DotnetToolSettings.xml"));
        var command = settings.Descendants().Single(e => e.Name.LocalName == "Command");
        Assert.Equal(("telemetry", "telemetry.dll"), (command.Attribute("Name")?.Value, command.Attribute("EntryPoint")?.Value));
    }

    [SkippableFact]
    public async Task A_program_outside_the_repository_built_on_the_packages_exports_its_instruments_as_charts_on_the_dashboard_and_its_logs_to_the_sink()
    {
        Skip.If(BrowserSession.WhyUnavailable is not null, BrowserSession.WhyUnavailable);
        string work = Directory.CreateTempSubdirectory("telemetry-consumer-").FullName;
        try
        {
            // The sample, alone in a folder outside the repository, with the packed folder as its source.
            string app = Path.Combine(work, "OrdersApi");
            CopyDirectory(Path.Combine(RepoPaths.Root, "samples", "OrdersApi"), app);
            foreach (string file in new[] { "Directory.Build.props", "Directory.Packages.props", "Directory.Build.targets" })
            {
                File.Copy(Path.Combine(RepoPaths.Root, "samples", file), Path.Combine(work, file));
            }

            File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="telemetry-packed" value="{packages.Folder}" />
                  </packageSources>
                </configuration>
                """);
            await Dotnet.RunAsync(app, ["build", "-c", "Release", "-p:TelemetryVersion=" + packages.Version]);
            string tools = Path.Combine(work, "tools");
            await Dotnet.RunAsync(work, ["tool", "install", "Telemetry.Cli", "--tool-path", tools, "--version", packages.Version, "--add-source", packages.Folder]);
            string telemetry = Path.Combine(tools, "telemetry");

            // The README's topology: the program connects to a collector relay; the dashboard and
            // the installed tool connect below it.
            string collect = FreePort.TcpEndpoint();
            string below = FreePort.TcpEndpoint();
            await using var relay = ChildProcess.StartDotnet(RelayProcess.Dll, "--collect", collect, "--bind", below, "--metrics-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
            await using var dashboard = await DashboardProcess.StartServingAsync("--connect", below, "--prefix", "metric.");
            await using var metrics = ChildProcess.Start(telemetry, ["sub", "--connect", below, "--prefix", "metric.orders-api.orders.placed", "--json", "--count", "8"]);
            string logFolder = Path.Combine(work, "logs");
            await using var sink = ChildProcess.Start(telemetry, ["sink", "--connect", below, "--prefix", "log.orders-api.", "--out", logFolder]);
            await using var program = ChildProcess.Start("dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "OrdersApi.dll"), "--connect", collect]);

            Assert.Equal(0, await metrics.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var samples = metrics.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
            Assert.Equal(8, samples.Count);
            Assert.All(samples, s =>
            {
                Assert.Equal("metric.orders-api.orders.placed", s.GetProperty("topic").GetString());
                Assert.Equal(("counter", "{order}"), (s.GetProperty("type").GetString(), s.GetProperty("unit").GetString()));
                Assert.True(s.GetProperty("labels").TryGetProperty("symbol", out _), s.ToString());
                Assert.True(s.GetProperty("value").GetDouble() >= 1, s.ToString());
            });
            // The sink writes the program's logs; a slow order's warning was logged inside the order's activity.
            await Eventually.Until(() => SinkLines(logFolder).Any(l => l.Contains("\"log.orders-api.Warning\"", StringComparison.Ordinal)), 60_000, () => sink.Describe());
            var log = JsonDocument.Parse(SinkLines(logFolder).First(l => l.Contains("\"log.orders-api.Warning\"", StringComparison.Ordinal))).RootElement;
            Assert.Equal("log.orders-api.Warning", log.GetProperty("topic").GetString());
            Assert.StartsWith("Order for ", log.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Matches("^[0-9a-f]{32}$", log.GetProperty("properties").GetProperty("trace_id").GetString());
            Assert.Matches("^[0-9a-f]{16}$", log.GetProperty("properties").GetProperty("span_id").GetString());

            // On the dashboard's metrics page: the program's group, its counter charted as a rate
            // and its histogram's mean, each a drawn chart.
            await using var browser = await BrowserSession.LaunchAsync();
            var errors = new List<string>();
            var page = await browser.NewPageAsync(errors);
            await page.GotoAsync(dashboard.Url + "#metrics");
            const string Group = ".mgroup[data-application='orders-api']";
            await page.WaitForFunctionAsync(
                $"() => ['orders.placed', 'orders.latency mean', 'orders.open', 'process.working_set'].every(n => document.querySelector(`{Group} .mcard[data-name='${{n}}'] canvas`))",
                null,
                new() { Timeout = 30_000 });
            string placed = await page.InnerTextAsync($"{Group} .mcard[data-name='orders.placed'] .mvalue");
            Assert.EndsWith("{order}/s", placed, StringComparison.Ordinal);
            Assert.EndsWith("ms", await page.InnerTextAsync($"{Group} .mcard[data-name='orders.latency mean'] .mvalue"), StringComparison.Ordinal);
            Assert.Empty(errors);

            program.Terminate();
            Assert.Equal(0, await program.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Every whole line the sink has written so far (its files are JSON lines, <c>telemetry-*.jsonl</c>).</summary>
    private static List<string> SinkLines(string folder) =>
        Directory.Exists(folder)
            ? [.. Directory.GetFiles(folder, "telemetry-*.jsonl").Order(StringComparer.Ordinal).SelectMany(ReadWholeLines)]
            : [];

    private static IEnumerable<string> ReadWholeLines(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        string text = new StreamReader(stream).ReadToEnd();
        return text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static XElement Nuspec(ZipArchive package, string id) =>
        XDocument.Parse(Text(package, $"{id}.nuspec")).Root!;

    private static string? Field(XElement nuspec, string name) =>
        nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static string Text(ZipArchive package, string path)
    {
        var entry = package.GetEntry(path) ?? throw new Xunit.Sdk.XunitException($"{path} is not in the package (it has {string.Join(", ", package.Entries.Select(e => e.FullName))})");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }
}

[CollectionDefinition(nameof(PackageTestGroup))]
public sealed class PackageTestGroup : ICollectionFixture<PackedPackages>;
