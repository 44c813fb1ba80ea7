using System.Diagnostics;
using System.Globalization;

namespace Telemetry.Perf.Soak;

/// <summary>
/// One program of the soak (publisher host, relay, subscriber) as its own process: output drained so
/// it can never block on a full pipe, the last lines kept for the report, RSS read from /proc.
/// </summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private HostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last line the process wrote that starts with <paramref name="prefix"/>, or null.</summary>
    public string? LastLine(string prefix)
    {
        lock (_tail)
        {
            return _tail.LastOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    public static HostProcess Start(string name, string dll, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new HostProcess(name, Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}"));
    }

    /// <summary>The resident set in bytes (VmRSS), as the kernel counts it; null once the process is gone.</summary>
    public long? Rss()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 200)
            {
                _tail.Dequeue();
            }
        }
    }
}
