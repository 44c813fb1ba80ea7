using System.CommandLine;
using Telemetry.Hosting;

namespace Telemetry.Cli.Security;

/// <summary>
/// The CURVE flags of the commands that open a link: <c>--curve-server-key FILE.pub</c> (connect to a
/// CURVE publisher, relay or sink) and <c>--curve-key FILE.key</c> (this side's own key: a bound
/// endpoint becomes a CURVE server, a client keeps a long-term identity instead of an ephemeral one).
/// </summary>
internal sealed class LinkSecurityOptions
{
    private readonly Option<FileInfo?> _serverKey = new("--curve-server-key")
    {
        Description = "Public key file (.pub) of the CURVE server to connect to; the link is then encrypted.",
        HelpName = "FILE",
    };

    private readonly Option<FileInfo?> _secretKey = new("--curve-key")
    {
        Description = "This side's CURVE secret key file (.key, mode 0600): makes a bound endpoint a CURVE server.",
        HelpName = "FILE",
    };

    private readonly Option<FileInfo?> _token = new("--token-file")
    {
        Description = "Entitlement token file (from telemetry token): sent with every subscription and snapshot request, for publishers and relays that enforce entitlements.",
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_serverKey);
        command.Options.Add(_secretKey);
        command.Options.Add(_token);
    }

    /// <summary>Reads the key files named on the command line; false and an error when one cannot be used.</summary>
    public bool TryRead(ParseResult result, out string? serverKey, out string? secretKey, out string? error)
    {
        serverKey = secretKey = error = null;
        try
        {
            serverKey = result.GetValue(_serverKey) is { } pub ? KeyFiles.ReadKey(pub.FullName) : null;
            secretKey = result.GetValue(_secretKey) is { } key ? KeyFiles.ReadSecret(key.FullName) : null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error = ex.Message;
            return false;
        }
    }

    public bool TryApply(ParseResult result, SubscriberOptions options, out SubscriberOptions applied, out string? error)
    {
        bool ok = TryRead(result, out var serverKey, out var secretKey, out error);
        string? token = null;
        try
        {
            token = ok && result.GetValue(_token) is { } file ? KeyFiles.ReadToken(file.FullName) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            (ok, error) = (false, ex.Message);
        }

        applied = options with { CurveServerKey = serverKey, CurveSecretKey = secretKey, EntitlementToken = token };
        return ok;
    }

    public bool TryApply(ParseResult result, PublisherOptions options, out PublisherOptions applied, out string? error)
    {
        bool ok = TryRead(result, out var serverKey, out var secretKey, out error);
        applied = options with { CurveServerKey = serverKey, CurveSecretKey = secretKey };
        return ok;
    }
}
