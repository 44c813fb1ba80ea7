using System.Globalization;

namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// Resident memory of other processes as the kernel counts it (VmRSS in /proc/PID/status): what a
/// leak or an unbounded queue would show, whatever the runtime inside thinks it holds.
/// </summary>
internal static class ProcessMemory
{
    /// <summary>The resident set in bytes; null once the process is gone.</summary>
    public static long? Rss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }
}
