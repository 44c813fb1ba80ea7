using Telemetry.Hosting;
using Telemetry.Tests.Cli;

namespace Telemetry.Tests.Security;

/// <summary><c>telemetry keygen</c> and the key files it writes (Unix file modes).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeygenTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("telemetry-keys-").FullName;

    [Fact]
    public async Task Keygen_writes_an_owner_only_Z85_secret_key_and_its_public_key_and_never_overwrites_silently()
    {
        string keys = Path.Combine(_directory, "nested");
        await using (var keygen = TelemetryCli.Start("keygen", "--out", keys, "--name", "feed"))
        {
            Assert.Equal(0, await keygen.WaitForExitAsync(TelemetryCli.ExitTimeout));
        }

        string secretPath = Path.Combine(keys, "feed.key");
        string publicPath = Path.Combine(keys, "feed.pub");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(publicPath));
        string secret = File.ReadAllText(secretPath);
        string pub = File.ReadAllText(publicPath);
        Assert.Matches(@"^[0-9a-zA-Z.\-:+=^!/*?&<>()\[\]{}@%$#]{40}\n$", secret);
        Assert.Matches(@"^[0-9a-zA-Z.\-:+=^!/*?&<>()\[\]{}@%$#]{40}\n$", pub);
        Assert.Equal(pub.TrimEnd(), CurveKeyPair.FromSecretKey(secret.TrimEnd()).PublicKey);
        Assert.Equal(secret.TrimEnd(), KeyFiles.ReadSecret(secretPath));

        await using (var again = TelemetryCli.Start("keygen", "--out", keys, "--name", "feed"))
        {
            Assert.Equal(1, await again.WaitForExitAsync(TelemetryCli.ExitTimeout));
            Assert.Contains(again.StderrLines, l => l.Contains("--force", StringComparison.Ordinal));
        }

        Assert.Equal(secret, File.ReadAllText(secretPath));
        await using (var forced = TelemetryCli.Start("keygen", "--out", keys, "--name", "feed", "--force"))
        {
            Assert.Equal(0, await forced.WaitForExitAsync(TelemetryCli.ExitTimeout));
        }

        Assert.NotEqual(secret, File.ReadAllText(secretPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretPath));
    }

    [Fact]
    public void A_secret_key_file_that_others_can_read_or_that_holds_no_key_is_refused()
    {
        var (secretPath, publicPath) = KeyFiles.Write(_directory, "k", CurveKeyPair.Generate(), overwrite: false);
        File.SetUnixFileMode(secretPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Contains("chmod 600", Assert.Throws<InvalidDataException>(() => KeyFiles.ReadSecret(secretPath)).Message, StringComparison.Ordinal);
        File.WriteAllText(publicPath, "not a key\n");
        Assert.Throws<InvalidDataException>(() => KeyFiles.ReadKey(publicPath));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
