namespace Telemetry.Hosting;

/// <summary>
/// Turns a host's documented flags into configuration keys. The stock command-line provider keeps
/// only the last of repeated flags; endpoints repeat (<c>--bind a --bind b</c>), so list flags become
/// array entries. Shared by the publisher, relay and other hosts (friend assemblies).
/// </summary>
public sealed class CommandLineFlags(IReadOnlyDictionary<string, string> scalars, IReadOnlyDictionary<string, string> lists)
{
    /// <summary>Parses <paramref name="args"/>; returns null and an error (empty for --help) when it cannot.</summary>
    public Dictionary<string, string?>? Parse(string[] args, out string? error)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string flag = args[i];
            if (flag is "-h" or "--help")
            {
                error = string.Empty;
                return null;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{flag} needs a value.";
                return null;
            }

            string value = args[++i];
            if (scalars.TryGetValue(flag, out var key))
            {
                settings[key] = value;
            }
            else if (lists.TryGetValue(flag, out var listKey))
            {
                int index = counts.GetValueOrDefault(flag);
                counts[flag] = index + 1;
                settings[$"{listKey}:{index}"] = value;
            }
            else
            {
                error = $"Unknown option {flag}.";
                return null;
            }
        }

        return settings;
    }
}
