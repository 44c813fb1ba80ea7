using System.Text.Json;
using Telemetry.Hosting;
using Telemetry.Security;
using Telemetry.Tests.Infrastructure;
using Telemetry.Tests.Sink;

namespace Telemetry.Tests.Security;

/// <summary>
/// The central logging sink over CURVE: <c>telemetry sink --curve-key</c> binds encrypted, and only
/// an application that holds the sink's public key gets a record onto its disk.
/// </summary>
[Collection(Telemetry.Tests.Cli.CliProcesses.Name)]
public sealed class SinkCurveTests : IDisposable
{
    private const int Lines = 500;
    private readonly string _files = Directory.CreateTempSubdirectory("telemetry-sink-curve-").FullName;

    private static string Cli => RepoPaths.Program("cli", "telemetry");

    [Fact]
    public async Task Only_a_publisher_with_the_sinks_public_key_gets_records_onto_its_disk()
    {
        KeyFiles.Write(_files, "sink", CurveKeyPair.Generate(), overwrite: false);
        KeyFiles.Write(_files, "impostor", CurveKeyPair.Generate(), overwrite: false);
        string output = Directory.CreateDirectory(Path.Combine(_files, "out")).FullName;
        string endpoint = FreePort.TcpEndpoint();
        await using var sink = ChildProcess.StartDotnet(
            Cli, "sink", "--bind", endpoint, "--prefix", "log.", "--out", output, "--metrics-port", "0", "--curve-key", Path.Combine(_files, "sink.key"));
        await Eventually.Until(() => sink.StderrLines.Any(l => l.StartsWith("sink writing", StringComparison.Ordinal)), 30_000, "the sink should start\n" + sink.Describe());

        // A plaintext application and one that trusts the wrong server key: the handshake fails, so
        // neither ever sees the sink's subscription, and what they publish goes nowhere.
        foreach (var (name, keyArgs) in new[] { ("plain", Array.Empty<string>()), ("wrongkey", ["--curve-server-key", Path.Combine(_files, "impostor.pub")]) })
        {
            await using var outsider = ChildProcess.StartDotnet(Cli, ["pub", "--connect", endpoint, "--name", name, "--wait-for-subscriber", "3", .. keyArgs]);
            await SinkFiles.FeedLogLinesAsync(outsider, name, 50, "Sink.Curve");
            Assert.Equal(0, await outsider.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(outsider.StderrLines, l => l.Contains("no subscriber after", StringComparison.Ordinal));
        }

        await using (var app = ChildProcess.StartDotnet(Cli, "pub", "--connect", endpoint, "--name", "trusted", "--wait-for-subscriber", "30", "--curve-server-key", Path.Combine(_files, "sink.pub")))
        {
            await SinkFiles.FeedLogLinesAsync(app, "trusted", Lines, "Sink.Curve");
            Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.DoesNotContain(app.StderrLines, l => l.Contains("no subscriber after", StringComparison.Ordinal));
        }

        await Eventually.Until(() => SinkFiles.CompleteLines(output) == Lines, 30_000, "every trusted record should reach the files\n" + sink.Describe());
        sink.Terminate();
        Assert.Equal(0, await sink.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var records = ReadRecords(output);
        Assert.All(records, r => Assert.Equal("trusted", r.GetProperty("publisher").GetString()));
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => (ulong)i), records.Select(r => r.GetProperty("seq").GetUInt64()).Order());
    }

    public void Dispose() => Directory.Delete(_files, recursive: true);

    private static List<JsonElement> ReadRecords(string dir) =>
        [.. Directory.GetFiles(dir, "*.jsonl").SelectMany(File.ReadLines).Select(l => JsonDocument.Parse(l).RootElement)];
}
