using System.CommandLine;
using Telemetry.Cli.Terminal;
using Telemetry.Hosting;

namespace Telemetry.Cli.Commands;

/// <summary><c>telemetry keygen</c>: writes a CURVE key pair as <c>DIR/NAME.key</c> (secret, 0600) and <c>DIR/NAME.pub</c>.</summary>
internal static class KeygenCommand
{
    private static readonly string[] KeyExtensions = [".key", ".pub"];

    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the key files (created if missing).", Required = true, HelpName = "DIR" };
        var name = new Option<string>("--name") { Description = "Base name: NAME.key and NAME.pub.", Required = true, HelpName = "NAME" };
        var force = new Option<bool>("--force") { Description = "Replace existing files of that name." };
        var command = new Command("keygen", "Generate a CURVE key pair: NAME.key (secret, Z85, mode 0600) for a publisher, relay or sink; NAME.pub (public, Z85) for its clients.")
        {
            output, name, force,
        };
        command.Validators.Add(result =>
        {
            string? value = result.GetValue(name);
            if (string.IsNullOrWhiteSpace(value) || value.IndexOfAny(['/', '\\', '\0']) >= 0 || value is "." or "..")
            {
                result.AddError("--name must be a plain file name.");
            }
        });
        command.SetAction(result =>
        {
            string directory = result.GetValue(output)!.FullName;
            string baseName = result.GetValue(name)!;
            var existing = KeyExtensions.Select(e => Path.Combine(directory, baseName + e)).Where(File.Exists).ToList();
            if (existing.Count > 0 && !result.GetValue(force))
            {
                return Stderr.Fail($"{string.Join(" and ", existing)} already exist(s); use --force to replace.");
            }

            try
            {
                var pair = CurveKeyPair.Generate();
                var (secretPath, publicPath) = KeyFiles.Write(directory, baseName, pair, overwrite: true);
                Console.Out.WriteLine($"secret key: {secretPath} (mode 0600; keep it on the server)");
                Console.Out.WriteLine($"public key: {publicPath} ({pair.PublicKey}; give it to clients)");
                return 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Stderr.Fail(ex.Message);
            }
        });
        return command;
    }
}
