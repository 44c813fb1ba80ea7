using Telemetry.Perf;

// perf pubsub [--seconds N] [--symbols N]: end-to-end throughput, publisher host -> subscriber.
// perf relay [--seconds N] [--symbols N]: the same through a relay process.
// perf alloc [--records N]: bytes allocated per record in steady state, publisher and subscriber.
// perf pgm-send|pgm-recv --endpoint epgm://... [--messages N] [--size B] [--rate kbit/s]: raw epgm transport, one end per process.
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
    "pgm-send" => PgmThroughput.Send(Text("--endpoint"), Arg("--messages", 1_000_000), Arg("--size", 100), Arg("--rate", 100_000), Arg("--recovery-ms", 3_000)),
    "pgm-recv" => PgmThroughput.Receive(Text("--endpoint"), Arg("--messages", 1_000_000), Arg("--timeout", 60), Arg("--rate", 100_000), Arg("--recovery-ms", 3_000)),
    _ => Usage(),
};

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int value) ? value : fallback;
}

string Text(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} is required");
}

static int Usage()
{
    Console.Error.WriteLine("usage: perf pubsub|relay [--seconds N] [--symbols N] | perf alloc [--records N] | perf pgm-send|pgm-recv --endpoint epgm://... [--messages N] [--size B] [--rate kbit/s] [--recovery-ms N]");
    return 2;
}
