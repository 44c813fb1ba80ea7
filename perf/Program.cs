using Telemetry.Perf;

// perf pubsub [--seconds N] [--symbols N]: end-to-end throughput, publisher host -> subscriber.
// perf relay [--seconds N] [--symbols N]: the same through a relay process.
// perf alloc [--records N]: bytes allocated per record in steady state, publisher and subscriber.
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
    _ => Usage(),
};

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int value) ? value : fallback;
}

static int Usage()
{
    Console.Error.WriteLine("usage: perf pubsub|relay [--seconds N] [--symbols N] | perf alloc [--records N]");
    return 2;
}
