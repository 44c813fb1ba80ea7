using System.Collections.Concurrent;
using System.Diagnostics;

namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// A real process started by a test: stdout and stderr captured line by line, killed (whole tree)
/// on dispose so no test leaves anything running.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _stdout.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _stderr.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyCollection<string> StdoutLines => _stdout;

    public IReadOnlyCollection<string> StderrLines => _stderr;

    public StreamWriter StandardInput => _process.StandardInput;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    /// <summary>Runs a built .NET program (see <see cref="RepoPaths.Program"/>).</summary>
    public static ChildProcess StartDotnet(string dll, params string[] args) => Start("dotnet", [dll, .. args]);

    /// <summary>
    /// Runs a built .NET program with SIGINT and SIGTERM at their default actions, through
    /// <c>env</c>, which execs it (the pid is the program's own). A shell without job control starts
    /// background commands with SIGINT ignored, the ignore is inherited across exec and .NET leaves an
    /// ignored signal ignored: a test run started that way could not reach the program with Ctrl+C's signal.
    /// </summary>
    public static ChildProcess StartDotnetWithDefaultSignals(string dll, params string[] args) =>
        Start("env", ["--default-signal=INT,TERM", "dotnet", dll, .. args]);

    public static ChildProcess Start(string fileName, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}"));
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"Process {_process.StartInfo.FileName} {string.Join(' ', _process.StartInfo.ArgumentList)} did not exit within {timeout}.\nstderr:\n{string.Join('\n', _stderr)}");
        }

        _process.WaitForExit(); // flushes the asynchronous output readers
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM-like shutdown (Ctrl+C semantics are not portable: this kills gracefully via SIGTERM on Linux).</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
        }
    }

    /// <summary>SIGINT, what Ctrl+C in a terminal sends.</summary>
    public void Interrupt() => Signal("-INT");

    /// <summary>SIGSTOP: the process (all its threads, its sockets' I/O included) is frozen until <see cref="Continue"/>.</summary>
    public void Stop() => Signal("-STOP");

    /// <summary>SIGCONT: a stopped process runs on from where it was.</summary>
    public void Continue() => Signal("-CONT");

    /// <summary>SIGKILL: the process gets no chance to flush or say goodbye.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    private void Signal(string signal)
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
        }
    }

    public string Describe() => $"stdout:\n{string.Join('\n', _stdout.TakeLast(50))}\nstderr:\n{string.Join('\n', _stderr.TakeLast(50))}";

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
