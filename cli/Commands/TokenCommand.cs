using System.CommandLine;
using System.Globalization;
using Telemetry.Cli.Terminal;
using Telemetry.Hosting;
using Telemetry.Security;

namespace Telemetry.Cli.Commands;

/// <summary>
/// <c>telemetry token</c>: issues an entitlement token (HMAC-SHA256 with the operator's secret) that
/// grants topic prefixes until it expires; <c>--new-secret</c> writes a fresh secret file (0600).
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var secret = new Option<FileInfo>("--secret") { Description = "Entitlement secret file (base64, mode 0600), as given to the publisher and relays.", Required = true, HelpName = "FILE" };
        var newSecret = new Option<bool>("--new-secret") { Description = "Write a new random secret to --secret (refuses to replace one) and exit." };
        var prefix = new Option<string[]>("--prefix") { Description = "Granted topic prefix; repeat for several. \"\" grants everything.", HelpName = "PREFIX" };
        var expires = new Option<string>("--expires") { Description = "Lifetime, e.g. 30m, 24h, 7d.", DefaultValueFactory = _ => "24h", HelpName = "DURATION" };
        var subject = new Option<string>("--subject") { Description = "Who the token is for; shown in refusal logs.", DefaultValueFactory = _ => "anonymous", HelpName = "NAME" };
        var command = new Command("token", "Issue an entitlement token granting topic prefixes until it expires; print it on stdout.")
        {
            secret, newSecret, prefix, expires, subject,
        };
        command.Validators.Add(result =>
        {
            if (!result.GetValue(newSecret) && (result.GetValue(prefix)?.Length ?? 0) == 0)
            {
                result.AddError("Give at least one --prefix.");
            }

            if (result.GetResult(expires) is not null && !TryParseDuration(result.GetValue(expires), out _))
            {
                result.AddError("--expires must be a positive number followed by s, m, h or d.");
            }
        });
        command.SetAction(result =>
        {
            string path = result.GetValue(secret)!.FullName;
            try
            {
                if (result.GetValue(newSecret))
                {
                    KeyFiles.WriteEntitlementSecret(path);
                    Console.Out.WriteLine($"secret: {path} (mode 0600; give it to the publisher and relays only)");
                    return 0;
                }

                var lifetime = TryParseDuration(result.GetValue(expires), out var parsed) ? parsed : TimeSpan.FromHours(24);
                Console.Out.WriteLine(Entitlements.IssueToken(KeyFiles.ReadEntitlementSecret(path), result.GetValue(subject)!, result.GetValue(prefix)!, DateTimeOffset.UtcNow + lifetime));
                return 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return Stderr.Fail(ex.Message);
            }
        });
        return command;
    }

    private static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = default;
        if (text is not { Length: >= 2 } || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0)
        {
            return false;
        }

        duration = char.ToLowerInvariant(text[^1]) switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            'd' => TimeSpan.FromDays(value),
            _ => default,
        };
        return duration > TimeSpan.Zero;
    }
}
