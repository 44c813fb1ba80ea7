using System.Globalization;

namespace Telemetry.Perf.Workers;

/// <summary>The <c>--name value</c> flags of a worker; workers are started by the harness, so errors are blunt.</summary>
internal sealed class WorkerArgs(string[] args)
{
    public string? Text(string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public string Required(string name) => Text(name) ?? throw new ArgumentException($"missing {name}");

    public long Long(string name, long fallback) =>
        Text(name) is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) =>
        Text(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Applies <c>--clock-offset</c>, so this process and its peers read the same clock.</summary>
    public void ApplyClockOffset()
    {
        if (Text("--clock-offset") is { } offset)
        {
            SharedClock.UseOffset(long.Parse(offset, CultureInfo.InvariantCulture));
        }
    }
}
