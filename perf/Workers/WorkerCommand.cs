namespace Telemetry.Perf.Workers;

/// <summary><c>perf worker pub|sub|nats-pub|nats-sub ...</c>: the roles the e2e harness runs as processes of their own.</summary>
internal static class WorkerCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var flags = new WorkerArgs(args);
        return args.FirstOrDefault() switch
        {
            "pub" => PubWorker.Run(flags),
            "sub" => SubWorker.Run(flags),
            "multi-sub" => MultiSubWorker.Run(flags),
            "nats-pub" => await NatsWorkers.PublishAsync(flags),
            "nats-sub" => await NatsWorkers.SubscribeAsync(flags),
            "netmq-pub" => NetMqWorkers.Publish(flags),
            "netmq-sub" => NetMqWorkers.Subscribe(flags),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage: perf worker pub --bind EP [--rate N] [--topics N] [--zipf S] [--wait-subs N] [--max-batch N]
                   perf worker sub --connect EP [--prefix P] [--warmup S] [--seconds S] [--latency all|batch] [--expected-interval-ns N]
                   perf worker multi-sub --connect EP [--connections N] [--warmup S] [--seconds S]
                   perf worker nats-pub --url URL [--rate N]
                   perf worker nats-sub --url URL [--warmup S] [--seconds S]
                   perf worker netmq-pub --bind EP [--rate N]
                   perf worker netmq-sub --connect EP [--warmup S] [--seconds S] [--expected-interval-ns N]
              every role takes --clock-offset NS (Unix ns minus monotonic ns) so peers share one clock
            """);
        return 2;
    }
}
