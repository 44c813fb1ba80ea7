namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// tests/Telemetry.LedgerSubscriber as a real process in a <see cref="NetnsLab"/> host: an SDK
/// subscriber that can be frozen with SIGSTOP, and that reports on request which sequence ranges it
/// was given and which gaps and restarts it was told about.
/// </summary>
internal sealed class LedgerSubscriberProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _name;

    private LedgerSubscriberProcess(string name, ChildProcess process)
    {
        _name = name;
        _process = process;
    }

    public int Pid => _process.Id;

    public ChildProcess Process => _process;

    public static Task<LedgerSubscriberProcess> StartAsync(NetnsLab lab, string host, string name, string connect, params string[] prefixes) =>
        StartAsync(name, args => lab.Start(host, "dotnet", args), connect, prefixes);

    /// <summary>Starts one in <paramref name="host"/>'s namespace with the given gap repair mode.</summary>
    public static Task<LedgerSubscriberProcess> StartAsync(NetnsLab lab, string host, string name, string connect, GapRepair repair, params string[] prefixes) =>
        StartAsync(name, args => lab.Start(host, "dotnet", [.. args, "--repair", repair.ToString()]), connect, prefixes);

    /// <summary>Starts it with <paramref name="start"/>, given the arguments of <c>dotnet</c> (e.g. inside another kind of namespace).</summary>
    public static async Task<LedgerSubscriberProcess> StartAsync(string name, Func<string[], ChildProcess> start, string connect, params string[] prefixes)
    {
        string dll = Path.Combine(RepoPaths.Root, "tests", "Telemetry.LedgerSubscriber", "bin", RepoPaths.Configuration, "net10.0", "Telemetry.LedgerSubscriber.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing; the test project builds it through a project reference.");
        var process = start([dll, "--connect", connect, .. prefixes.SelectMany(p => new[] { "--prefix", p })]);
        var subscriber = new LedgerSubscriberProcess(name, process);
        await Eventually.Until(() => process.StdoutLines.Any(l => l.Contains("\"ready\"", StringComparison.Ordinal)) || process.HasExited, 30_000, subscriber.Describe());
        Assert.False(process.HasExited, subscriber.Describe());
        return subscriber;
    }

    /// <summary>Asks for the ledger and waits for it (a stopped process answers once continued).</summary>
    public async Task<Ledger> ReportAsync()
    {
        int before = Reports().Count();
        await _process.StandardInput.WriteLineAsync("report");
        await _process.StandardInput.FlushAsync();
        await Eventually.Until(() => Reports().Count() > before || _process.HasExited, 20_000, Describe());
        Assert.False(_process.HasExited, Describe());
        return Ledger.Parse(Reports().Last());
    }

    public string Describe() => $"ledger subscriber {_name} (pid {_process.Id}):\n{_process.Describe()}";

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private IEnumerable<string> Reports() => _process.StdoutLines.Where(l => l.StartsWith("{\"event\":\"ledger\"", StringComparison.Ordinal));
}
