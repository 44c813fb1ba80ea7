using Telemetry.Hosting;
using Telemetry.Security;
using Telemetry.Tests.Cli;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Security;

/// <summary><c>telemetry token</c> and <c>telemetry sub</c> with CURVE and a token, as an operator runs them (Unix file modes).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliSecurityTests : IDisposable
{
    private readonly string _files = Directory.CreateTempSubdirectory("telemetry-cli-security-").FullName;

    [Fact]
    public async Task A_token_from_the_CLI_lets_sub_receive_its_prefix_over_CURVE()
    {
        string secretFile = Path.Combine(_files, "entitlements.secret");
        await using (var init = TelemetryCli.Start("token", "--secret", secretFile, "--new-secret"))
        {
            Assert.Equal(0, await init.WaitForExitAsync(TelemetryCli.ExitTimeout));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretFile));
        string token;
        var before = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()); // tokens carry whole seconds
        await using (var issue = TelemetryCli.Start("token", "--secret", secretFile, "--prefix", "md.SIM.", "--prefix", "log.", "--expires", "1h", "--subject", "alice"))
        {
            Assert.Equal(0, await issue.WaitForExitAsync(TelemetryCli.ExitTimeout));
            token = Assert.Single(issue.StdoutLines);
        }

        var after = DateTimeOffset.UtcNow;

        string secret = KeyFiles.ReadEntitlementSecret(secretFile);
        var grant = EntitlementTokens.Verify(EntitlementSecrets.TryDecode(secret)!, token, DateTimeOffset.UtcNow, out _);
        Assert.Equal("alice", grant!.Subject);
        Assert.Equal(["md.SIM.", "log."], grant.Prefixes);
        Assert.InRange(grant.Expires, before.AddHours(1), after.AddHours(1)); // an hour from when it was issued

        var keys = CurveKeyPair.Generate();
        KeyFiles.Write(_files, "feed", keys, overwrite: false);
        File.WriteAllText(Path.Combine(_files, "alice.token"), token + "\n");
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["tcp://127.0.0.1:*"], CurveSecretKey = keys.SecretKey, EntitlementSecret = secret });
        await using var sub = TelemetryCli.Start(
            "sub", "--connect", publisher.BoundEndpoints[0], "--prefix", "md.SIM.", "--prefix", "md.OTHER.", "--json", "--count", "20",
            "--curve-server-key", Path.Combine(_files, "feed.pub"), "--token-file", Path.Combine(_files, "alice.token"));
        await Eventually.Until(() => publisher.GetStats() is { Subscriptions: 1, RefusedSubscriptions: 1 }, 30_000, sub.Describe());
        for (int s = 1; s <= 20; s++)
        {
            publisher.Publish("md.OTHER.BBB", SecurityRecords.Tick(s));
            publisher.Publish("md.SIM.AAA", SecurityRecords.Tick(s));
        }

        Assert.Equal(0, await sub.WaitForExitAsync(TelemetryCli.ExitTimeout));
        var lines = TelemetryCli.JsonLines(sub.StdoutLines);
        Assert.Equal(20, lines.Length);
        Assert.All(lines, l => Assert.Equal("md.SIM.AAA", l.GetProperty("topic").GetString()));
    }

    [Fact]
    public async Task Token_refuses_a_secret_file_others_can_read()
    {
        string secretFile = Path.Combine(_files, "loose.secret");
        File.WriteAllText(secretFile, EntitlementSecrets.New() + "\n");
        File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        await using var issue = TelemetryCli.Start("token", "--secret", secretFile, "--prefix", "md.");
        Assert.Equal(1, await issue.WaitForExitAsync(TelemetryCli.ExitTimeout));
        Assert.Empty(issue.StdoutLines);
        Assert.Contains(issue.StderrLines, l => l.Contains("chmod 600", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_files, recursive: true);
}
