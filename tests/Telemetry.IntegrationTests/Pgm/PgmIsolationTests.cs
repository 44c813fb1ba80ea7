using System.Diagnostics;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Pgm;

/// <summary>
/// The multicast these tests make stays on their private LAN: the sending host's only way out is
/// its veth to the switch namespace, the switch has no uplink, the machine's own namespace gains no
/// interface, and the veth carried every packet the sender reports.
/// </summary>
public sealed class PgmIsolationTests
{
    [SkippableFact]
    public async Task The_transport_sends_only_inside_the_tests_own_namespaces()
    {
        NamespaceNetwork.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 2);
        int port = Random.Shared.Next(20_000, 30_000);
        await using var subscriber = InNamespace.Run(net.Namespace(2), () => new TelemetrySubscriber(new SubscriberOptions { Connect = [net.Endpoint(2, port)], Prefixes = ["md."] }));
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        long txBefore = net.TransmittedPackets(1);
        PgmSenderStats sent;
        await using (var publisher = InNamespace.Run(net.Namespace(1), () => new TelemetryPublisher<Tick>(new PublisherOptions { Bind = [net.Endpoint(1, port)] })))
        {
            for (int i = 1; i <= 5000; i++)
            {
                publisher.Publish("md.SIM.ISO", TestBatches.Tick(i));
            }

            await Eventually.Until(() => collector.Records.Count == 5000, 20_000);
            sent = publisher.GetPgmStats()[0];
        }

        Assert.True(net.TransmittedPackets(1) - txBefore >= sent.DataPackets + sent.RepairPackets + sent.Spms, $"every packet left through the veth: {sent}");
        Assert.Equal(["lo", net.Interface(1)], Links($"-n {net.Namespace(1)}"));
        Assert.All(Links($"-n {net.SwitchNamespace}"), l => Assert.True(l == "br0" || l.StartsWith(net.Prefix + "p", StringComparison.Ordinal) || l == "lo", l));
        Assert.DoesNotContain(Links(""), l => l.StartsWith(net.Prefix, StringComparison.Ordinal));
    }

    private static List<string> Links(string namespaceArgs)
    {
        var info = new ProcessStartInfo("sh", ["-c", $"ip {namespaceArgs} -o link show | cut -d: -f2 | cut -d@ -f1"]) { RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        process.WaitForExit();
        return lines;
    }
}
