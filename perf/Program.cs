using Telemetry.Perf;
using Telemetry.Perf.Soak;

// perf pubsub [--seconds N] [--symbols N]: end-to-end throughput, publisher host -> subscriber.
// perf relay [--seconds N] [--symbols N]: the same through a relay process.
// perf alloc [--records N]: bytes allocated per record in steady state, publisher and subscriber.
// perf soak [--minutes N] [--rate N] [--symbols N] [--warmup-seconds N] [--sample-seconds N] [--out DIR]:
//   publisher host -> relay -> subscriber as three processes at a fixed rate, RSS of each sampled.
string command = args.Length > 0 ? args[0] : "pubsub";
int seconds = Arg("--seconds", 10);
int symbols = Arg("--symbols", 1);
#if DEBUG
const string configuration = "Debug";
Console.Error.WriteLine("warning: Debug build; run with -c Release for figures worth quoting");
#else
const string configuration = "Release";
#endif

return command switch
{
    "pubsub" => await PubSubThroughput.RunAsync(seconds, symbols, configuration, viaRelay: false),
    "relay" => await PubSubThroughput.RunAsync(seconds, symbols, configuration, viaRelay: true),
    "alloc" => await SteadyStateAllocations.RunAsync(Arg("--records", 1_000_000)),
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
    "soak-subscriber" => await SoakSubscriber.RunAsync(StringArg("--connect", "tcp://127.0.0.1:5560")),
    _ => Usage(),
};

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int value) ? value : fallback;
}

string StringArg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static int Usage()
{
    Console.Error.WriteLine("usage: perf pubsub|relay [--seconds N] [--symbols N] | perf alloc [--records N] | perf soak [--minutes N] [--rate N] [--symbols N] [--warmup-seconds N] [--sample-seconds N] [--out DIR]");
    return 2;
}
