using System.Globalization;

namespace Telemetry.Perf.E2e;

/// <summary>CPU time and memory of one process, read from /proc (Linux only, like the suite).</summary>
/// <param name="CpuSeconds">User plus system time since the process started.</param>
/// <param name="PeakRssMb">Peak resident set size (VmHWM).</param>
internal readonly record struct ProcStat(double CpuSeconds, double PeakRssMb)
{
    // USER_HZ: /proc reports CPU time in these ticks; 100 on every Linux .NET supports.
    private const double TicksPerSecond = 100;

    /// <summary>Null once the process has gone.</summary>
    public static ProcStat? Read(int pid)
    {
        try
        {
            // Fields after the command name, which may itself hold spaces and parentheses.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            double peakMb = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peakMb = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) / 1024.0;
                }
            }

            return new ProcStat(cpu, peakMb);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The machine's load average over 1, 5 and 15 minutes, as /proc/loadavg gives it.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
