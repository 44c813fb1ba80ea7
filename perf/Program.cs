using BenchmarkDotNet.Running;
using Telemetry.Perf;
using Telemetry.Perf.E2e;
using Telemetry.Perf.Soak;
using Telemetry.Perf.Workers;

// perf micro [BenchmarkDotNet args]  microbenchmarks (codec, batching, dispatch), e.g. --filter '*'
// perf e2e [--quick] [--json PATH] [--markdown PATH] [--only a,b]  the end-to-end suite, one process per party
// perf worker ROLE ...               a party of the suite (started by e2e)
// perf pubsub|relay [--seconds N] [--symbols N]  publisher host -> (relay ->) in-process subscriber
// perf alloc [--records N]           bytes allocated per record in steady state, in one process
// perf repair [--holes N] [--hole-size N]  time to repair a hole of N records from the publisher's window
// perf soak [--minutes N] [--rate N] [--symbols N] [--warmup-seconds N] [--sample-seconds N] [--out DIR]:
//   publisher host -> relay -> subscriber as three processes at a fixed rate, RSS of each sampled.
// perf board [--symbols N] [--rate N] [--seconds N] [--json PATH]: the dashboard's market board in
//   Chromium at 1,000 symbols and 100,000 ticks/s: load time, long tasks, script-call waits.
// perf pgm-send|pgm-recv --endpoint epgm://... [--messages N] [--size B] [--rate kbit/s] [--recovery-ms N]:
//   raw epgm transport, one end per process (perf/pgm/run.sh puts each in its own namespace).
#if DEBUG
const string configuration = "Debug";
if (args.FirstOrDefault() is "e2e" or "micro" or "pubsub" or "relay")
{
    Console.Error.WriteLine("warning: Debug build; run with -c Release for figures worth quoting");
}
#else
const string configuration = "Release";
#endif

string command = args.Length > 0 ? args[0] : "help";
var rest = args.Skip(1).ToArray();
return command switch
{
    "micro" => RunMicro(rest),
    "e2e" => await E2eCommand.RunAsync(rest, configuration),
    "worker" => await WorkerCommand.RunAsync(rest),
    "pubsub" => await PubSubThroughput.RunAsync(Arg("--seconds", 10), Arg("--symbols", 1), configuration, viaRelay: false),
    "relay" => await PubSubThroughput.RunAsync(Arg("--seconds", 10), Arg("--symbols", 1), configuration, viaRelay: true),
    "alloc" => await SteadyStateAllocations.RunAsync(Arg("--records", 1_000_000)),
    "repair" => await RepairLatency.RunAsync(Arg("--holes", 50), Arg("--hole-size", 1000)),
    "soak" => await SoakRun.RunAsync(
        new SoakSettings
        {
            Minutes = Arg("--minutes", 10),
            Rate = Arg("--rate", 1_000_000),
            Symbols = Arg("--symbols", 50),
            WarmupSeconds = Arg("--warmup-seconds", 60),
            SampleSeconds = Arg("--sample-seconds", 10),
            OutputDirectory = StringArg("--out", "soak-results"),
        },
        configuration),
    "board" => await Telemetry.Perf.Board.BoardLoad.RunAsync(Arg("--symbols", 1000), Arg("--rate", 100_000), Arg("--seconds", 20), OptionalArg("--json"), configuration),
    "soak-subscriber" => await SoakSubscriber.RunAsync(StringArg("--connect", "tcp://127.0.0.1:5560")),
    "pgm-send" => PgmThroughput.Send(StringArg("--endpoint", ""), Arg("--messages", 1_000_000), Arg("--size", 100), Arg("--rate", 100_000), Arg("--recovery-ms", 3_000)),
    "pgm-recv" => PgmThroughput.Receive(StringArg("--endpoint", ""), Arg("--messages", 1_000_000), Arg("--timeout", 60), Arg("--rate", 100_000), Arg("--recovery-ms", 3_000)),
    _ => Usage(),
};

static int RunMicro(string[] benchmarkArgs)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(Telemetry.Perf.Micro.BenchConfig).Assembly).Run(benchmarkArgs, new Telemetry.Perf.Micro.BenchConfig());
    return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
}

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int value) ? value : fallback;
}

string? OptionalArg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

string StringArg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: perf micro [--filter PATTERN]...        BenchmarkDotNet microbenchmarks (MemoryDiagnoser)
               perf e2e [--quick] [--json PATH] [--markdown PATH] [--only a,b]
               perf worker pub|sub|nats-pub|nats-sub ... (started by e2e)
               perf pubsub|relay [--seconds N] [--symbols N] | perf alloc [--records N] | perf repair [--holes N] [--hole-size N]
               perf board [--symbols N] [--rate N] [--seconds N] [--json PATH]   the market board in Chromium
               perf soak [--minutes N] [--rate N] [--symbols N] [--warmup-seconds N] [--sample-seconds N] [--out DIR]
               perf pgm-send|pgm-recv --endpoint epgm://IFACE;GROUP:PORT [--messages N] [--size B] [--rate KBPS] [--recovery-ms N]
        """);
    return 2;
}
