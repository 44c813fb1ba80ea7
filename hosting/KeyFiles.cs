using System.Text;

namespace Telemetry.Hosting;

/// <summary>
/// CURVE key files as <c>telemetry keygen</c> writes them: <c>NAME.key</c> holds the Z85 secret key
/// (mode 0600), <c>NAME.pub</c> the Z85 public key, each on one line. Lines starting with <c>#</c>
/// are comments. Shared by the hosts and the CLI.
/// </summary>
public static class KeyFiles
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes <c>DIR/NAME.key</c> (0600) and <c>DIR/NAME.pub</c>; refuses to overwrite either unless <paramref name="overwrite"/>.</summary>
    public static (string SecretPath, string PublicPath) Write(string directory, string name, CurveKeyPair pair, bool overwrite)
    {
        Directory.CreateDirectory(directory);
        string secretPath = Path.Combine(directory, name + ".key");
        string publicPath = Path.Combine(directory, name + ".pub");
        if (overwrite)
        {
            // Deleted, not truncated: an old file's looser mode must never hold the new secret.
            File.Delete(secretPath);
            File.Delete(publicPath);
        }

        WriteLine(secretPath, pair.SecretKey, OwnerOnly);
        WriteLine(publicPath, pair.PublicKey, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return (secretPath, publicPath);
    }

    /// <summary>
    /// Replaces a key-file setting (<c>...File</c>, set by a flag such as <c>--curve-key</c>) with the
    /// key it holds, so the options see only Z85 text. Returns the error, or null.
    /// </summary>
    public static string? Resolve(IDictionary<string, string?> settings, string fileKey, string keyKey, bool secret) =>
        Resolve(settings, fileKey, keyKey, secret ? ReadSecret : ReadKey);

    /// <summary>The same for any file a <paramref name="reader"/> turns into a setting.</summary>
    public static string? Resolve(IDictionary<string, string?> settings, string fileKey, string keyKey, Func<string, string> reader)
    {
        if (!settings.Remove(fileKey, out var path) || path is null)
        {
            return null;
        }

        try
        {
            settings[keyKey] = reader(path);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return ex.Message;
        }
    }

    /// <summary>Writes a new entitlement secret (base64, mode 0600) to <paramref name="path"/>; refuses to overwrite.</summary>
    public static void WriteEntitlementSecret(string path) =>
        WriteLine(path, Security.EntitlementSecrets.New(), OwnerOnly);

    /// <summary>Reads an entitlement secret file (owner-only, base64 of at least 16 bytes).</summary>
    /// <exception cref="InvalidDataException">The file is readable by others or holds no secret.</exception>
    public static string ReadEntitlementSecret(string path)
    {
        ThrowIfShared(path);
        string text = SingleLine(path);
        return Security.EntitlementSecrets.TryDecode(text) is not null
            ? text
            : throw new InvalidDataException($"{path}: expected base64 of at least {Security.EntitlementTokens.MinSecretBytes} bytes.");
    }

    /// <summary>Reads a token file (one line).</summary>
    public static string ReadToken(string path) => SingleLine(path);

    /// <summary>Reads a secret key file; refuses one that others can read, as ssh does.</summary>
    /// <exception cref="InvalidDataException">The file is not a key, or is readable by group or others.</exception>
    public static string ReadSecret(string path)
    {
        ThrowIfShared(path);
        return ReadKey(path);
    }

    /// <summary>Reads a public key file (or any file holding one Z85 key).</summary>
    /// <exception cref="InvalidDataException">The file does not hold a Z85 key.</exception>
    public static string ReadKey(string path)
    {
        string text = SingleLine(path);
        return CurveKeyPair.IsZ85Key(text)
            ? text
            : throw new InvalidDataException($"{path}: expected one {CurveKeyPair.Z85Length}-character Z85 key.");
    }

    private static string SingleLine(string path)
    {
        var lines = File.ReadAllLines(path, Encoding.UTF8).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        return lines.Count == 1 ? lines[0] : throw new InvalidDataException($"{path}: expected one line.");
    }

    private static void ThrowIfShared(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidDataException($"{path}: a secret must be readable by its owner only (chmod 600).");
        }
    }

    private static void WriteLine(string path, string text, UnixFileMode unixMode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = unixMode;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(text + "\n"));
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode is masked by the umask; state the mode exactly.
            File.SetUnixFileMode(path, unixMode);
        }
    }
}
