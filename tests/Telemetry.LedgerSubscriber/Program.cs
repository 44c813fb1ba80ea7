using Telemetry;
using Telemetry.LedgerSubscriber;

// Usage: Telemetry.LedgerSubscriber --connect EP [--connect EP]... --prefix P [--prefix P]... [--repair MODE]
// Subscribes, decodes every tick and keeps a ledger of the sequence ranges delivered and the gaps
// and restarts reported. Writing "report" on stdin prints the ledger as one JSON line; end of stdin
// (or a kill) ends it. Records themselves are not printed: at 100k/s a line per record would cost
// more than the subscriber under test.
var connect = new List<string>();
var prefixes = new List<string>();
var repair = GapRepair.ByKind;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--repair")
    {
        repair = Enum.Parse<GapRepair>(args[i + 1], ignoreCase: true);
        continue;
    }

    (args[i] switch
    {
        "--connect" => connect,
        "--prefix" => prefixes,
        _ => throw new ArgumentException($"unknown argument {args[i]}"),
    }).Add(args[i + 1]);
}

var ledger = new SequenceLedger();
long checksum = 0;
await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = connect, Prefixes = prefixes, GapRepair = repair });
subscriber.GapDetected += (_, e) => ledger.OnGap(e);
subscriber.PublisherRestarted += (_, e) => ledger.OnRestart(e);
subscriber.Start((in RecordBatch batch) =>
{
    // Decoded like a real consumer would, so a stall or a flood costs what it costs in production.
    foreach (var tick in batch.Records<Tick>())
    {
        checksum += tick.Price;
    }

    ledger.OnBatch(batch.Header);
});

Console.Out.WriteLine("{\"event\":\"ready\"}");
while (await Console.In.ReadLineAsync() is { } line)
{
    if (line == "report")
    {
        Console.Out.WriteLine(ledger.ToJson(subscriber.GetStats()));
    }
}

GC.KeepAlive(checksum);
