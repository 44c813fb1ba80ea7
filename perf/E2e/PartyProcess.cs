using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Telemetry.Perf.E2e;

/// <summary>
/// One party of a scenario running as its own process: a perf worker, the relay host, the libzmq
/// peer or nats-server. Reads its JSON lines as they come, samples its CPU time and peak RSS from
/// /proc, and is killed (with its children) when the scenario ends, whatever happened.
/// </summary>
internal sealed class PartyProcess : IDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly Queue<string> _textTail = new();
    private JsonObject? _result;
    private JsonObject? _progress;
    private string? _error;
    private bool _windowStarted;
    private bool _ready;

    private PartyProcess(string label, Process process, string commandLine)
    {
        Label = label;
        _process = process;
        CommandLine = commandLine;
    }

    public string Label { get; }

    public string CommandLine { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>CPU seconds when the measurement window opened; null until then.</summary>
    public double? CpuAtWindowStart { get; set; }

    /// <summary>The progress line current when the measurement window opened; null until then.</summary>
    public JsonObject? ProgressAtWindowStart { get; set; }

    /// <summary>The last /proc sample, kept so figures survive the process's exit.</summary>
    public ProcStat? LastStat { get; private set; }

    public JsonObject? Result { get { lock (_gate) { return _result; } } }

    public JsonObject? Progress { get { lock (_gate) { return _progress; } } }

    public bool WindowStarted { get { lock (_gate) { return _windowStarted; } } }

    public bool Ready { get { lock (_gate) { return _ready; } } }

    /// <summary>Why the party failed: an error line of its own, or its exit with the last lines it printed.</summary>
    public string? Error
    {
        get
        {
            lock (_gate)
            {
                if (_error is null && _result is null && _process.HasExited)
                {
                    return $"{Label} exited with code {_process.ExitCode}: {string.Join(" | ", _textTail)}";
                }

                return _error;
            }
        }
    }

    public static PartyProcess Start(string label, string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file)
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

        string commandLine = string.Join(' ', new[] { file }.Concat(info.ArgumentList).Select(Quote));
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var party = new PartyProcess(label, process, commandLine);
        process.OutputDataReceived += (_, e) => party.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => party.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return party;
    }

    public ProcStat? Sample()
    {
        var stat = ProcStat.Read(_process.Id);
        if (stat is not null)
        {
            LastStat = stat;
        }

        return LastStat;
    }

    /// <summary>Sends a signal by name (STOP, CONT) with kill(1): the stalled-subscriber scenario freezes a process.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill?.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static string Quote(string arg) => arg.Contains(' ', StringComparison.Ordinal) ? $"'{arg}'" : arg;

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        JsonObject? json = null;
        if (line.StartsWith('{'))
        {
            try
            {
                json = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException)
            {
                json = null;
            }
        }

        lock (_gate)
        {
            switch (json?["event"]?.GetValue<string>())
            {
                case "result":
                    _result = json;
                    break;
                case "progress":
                    _progress = json;
                    break;
                case "window_start":
                    _windowStarted = true;
                    break;
                case "ready" or "subscribed":
                    _ready = true;
                    break;
                case "error":
                    _error = $"{Label}: {json!["message"]}";
                    break;
                default:
                    _textTail.Enqueue(line.Length > 300 ? line[..300] : line);
                    if (_textTail.Count > 8)
                    {
                        _textTail.Dequeue();
                    }

                    break;
            }
        }
    }
}
