using System.Diagnostics;

namespace Telemetry.Perf;

/// <summary>
/// Publisher host (its own process, feed at full speed) to an SDK subscriber in this process over
/// loopback TCP. Counts records decoded and handed over through the zero-copy callback.
/// </summary>
internal static class PubSubThroughput
{
    public static async Task<int> RunAsync(int seconds, int symbols, string configuration)
    {
        string endpoint = $"tcp://127.0.0.1:{FreePort()}";
        string publisherDll = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "publisher", "bin", configuration, "net10.0", "Telemetry.Publisher.dll");
        using var publisher = Process.Start(new ProcessStartInfo("dotnet", [Path.GetFullPath(publisherDll), "--bind", endpoint, "--symbols", symbols.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rate", "0", "--metrics-port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not start the publisher host");
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

            Console.WriteLine($"publisher host pid {publisher.Id} -> subscriber, {symbols} symbol(s), warming up 3 s");
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
            Console.WriteLine($"| pubsub ({symbols} symbols, tcp loopback) | {r / elapsed:N0} | {b / elapsed:N0} | {(double)r / Math.Max(1, b):F1} | {stats.Gaps} | {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F1} |");
            GC.KeepAlive(checksum);
            return 0;
        }
        finally
        {
            publisher.Kill(entireProcessTree: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
