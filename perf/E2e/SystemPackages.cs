using System.Diagnostics;

namespace Telemetry.Perf.E2e;

/// <summary>
/// Debian packages the peers need. Installed with apt-get only when missing and running as root;
/// otherwise the scenario is skipped with the reason. Nothing is ever downloaded any other way.
/// </summary>
internal static class SystemPackages
{
    private static bool _updated;

    /// <summary>Null when <paramref name="probe"/> exists (or could be installed); else why not.</summary>
    public static string? Ensure(string probe, string package)
    {
        if (File.Exists(probe))
        {
            return null;
        }

        if (Environment.UserName != "root")
        {
            return $"{probe} is missing and installing {package} needs root: run `apt-get install {package}`";
        }

        Console.WriteLine($"  installing {package} with apt-get (missing {probe})");
        if (!_updated)
        {
            Run("apt-get", "update", "-qq");
            _updated = true;
        }

        var (code, output) = Run("apt-get", "install", "-y", "-qq", package);
        return code == 0 && File.Exists(probe) ? null : $"apt-get install {package} failed ({code}): {output}";
    }

    public static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            string output = (stdout.Result + stderr).Trim();
            return (process.ExitCode, output.Length > 500 ? output[^500..] : output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, $"{file}: {ex.Message}");
        }
    }
}
