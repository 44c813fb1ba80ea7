using System.Diagnostics;

namespace Telemetry.Perf;

/// <summary>
/// Publisher host (its own process, feed at full speed), optionally through a relay process, to an
/// SDK subscriber in this process over loopback TCP. Counts records decoded and handed over through
/// the zero-copy callback.
/// </summary>
internal static class PubSubThroughput
{
    public static async Task<int> RunAsync(int seconds, int symbols, string configuration, bool viaRelay)
    {
        string origin = $"tcp://127.0.0.1:{FreePort()}";
        using var publisher = StartHost(configuration, "publisher", "Telemetry.Publisher", "--bind", origin, "--symbols", symbols.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rate", "0", "--metrics-port", "0");
        string endpoint = viaRelay ? $"tcp://127.0.0.1:{FreePort()}" : origin;
        using var relay = viaRelay ? StartHost(configuration, "relay", "Telemetry.Relay", "--upstream", origin, "--bind", endpoint, "--metrics-port", "0") : null;
        string scenario = viaRelay ? "relay" : "pubsub";
        try
        {
            await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["md."] });
            long records = 0, batches = 0, checksum = 0;
            subscriber.Start((in RecordBatch batch) =>
            {
                foreach (var tick in batch.Records<Tick>())
                {
                    checksum += tick.Price;
                }

                records += batch.Header.Count;
                batches++;
            });

            Console.WriteLine($"{scenario}: publisher host pid {publisher.Id}{(relay is null ? "" : $" -> relay pid {relay.Id}")} -> subscriber, {symbols} symbol(s), warming up 3 s");
            await Task.Delay(TimeSpan.FromSeconds(3));
            long r0 = Volatile.Read(ref records), b0 = Volatile.Read(ref batches);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (int s = 1; s <= seconds; s++)
            {
                await Task.Delay(1000);
                Console.WriteLine($"  {s,3} s  {(Volatile.Read(ref records) - r0) / clock.Elapsed.TotalSeconds,14:N0} records/s");
            }

            double elapsed = clock.Elapsed.TotalSeconds;
            long r = Volatile.Read(ref records) - r0, b = Volatile.Read(ref batches) - b0;
            var stats = subscriber.GetStats();
            Console.WriteLine();
            Console.WriteLine("| scenario | records/s | messages/s | mean batch | gaps | subscriber CPU s |");
            Console.WriteLine("|---|---|---|---|---|---|");
            Console.WriteLine($"| {scenario} ({symbols} symbols, tcp loopback) | {r / elapsed:N0} | {b / elapsed:N0} | {(double)r / Math.Max(1, b):F1} | {stats.Gaps} | {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F1} |");
            GC.KeepAlive(checksum);
            return 0;
        }
        finally
        {
            relay?.Kill(entireProcessTree: true);
            publisher.Kill(entireProcessTree: true);
        }
    }

    private static Process StartHost(string configuration, string folder, string assembly, params string[] args)
    {
        string dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", folder, "bin", configuration, "net10.0", assembly + ".dll"));
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {assembly}");
    }

    /// <summary>A port below the ephemeral range whose port + 1 is free too (the snapshot service's convention).</summary>
    private static int FreePort()
    {
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            int port = Random.Shared.Next(10_000, 30_000);
            try
            {
                using var data = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                using var snapshot = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port + 1);
                data.Start();
                snapshot.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // taken; try another
            }
        }

        throw new InvalidOperationException("no free port pair found");
    }
}
