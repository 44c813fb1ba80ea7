using System.Text.Json;
using Telemetry.Tests.Cli;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Pgm;

/// <summary>
/// The command-line contracts over epgm://, each program a real process in its own namespace:
/// the publisher host's --bind epgm://, telemetry sub --connect epgm:// on two hosts, and the relay
/// bridging tcp upstream to epgm downstream and epgm upstream to tcp downstream.
/// </summary>
public sealed class PgmProcessTests
{
    private const int Count = 2000;

    [SkippableFact]
    public async Task The_publisher_host_multicasts_and_cli_subscribers_on_two_hosts_each_get_a_gapless_stream()
    {
        NamespaceNetwork.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 3);
        int port = Random.Shared.Next(20_000, 30_000);
        await using var sub2 = StartSub(net, 2, net.Endpoint(2, port));
        await using var sub3 = StartSub(net, 3, net.Endpoint(3, port));
        await using var feed = StartFeed(net, 1, net.Endpoint(1, port));
        await AssertGapless(sub2);
        await AssertGapless(sub3);
    }

    [SkippableFact]
    public async Task A_relay_fans_a_tcp_feed_out_on_epgm()
    {
        NamespaceNetwork.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 3);
        int port = Random.Shared.Next(20_000, 30_000);
        await using var feed = StartFeed(net, 1, $"tcp://{net.Address(1)}:{port}");
        await using var relay = StartRelay(net, 2, $"tcp://{net.Address(1)}:{port}", net.Endpoint(2, port + 10));
        await using var sub = StartSub(net, 3, net.Endpoint(3, port + 10));
        await AssertGapless(sub);
    }

    [SkippableFact]
    public async Task A_relay_bridges_an_epgm_feed_to_tcp_subscribers()
    {
        NamespaceNetwork.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 3);
        int port = Random.Shared.Next(20_000, 30_000);
        await using var relay = StartRelay(net, 2, net.Endpoint(2, port), $"tcp://{net.Address(2)}:{port + 10}");
        await using var feed = StartFeed(net, 1, net.Endpoint(1, port));
        await using var sub = StartSub(net, 3, $"tcp://{net.Address(2)}:{port + 10}");
        await AssertGapless(sub);
    }

    [SkippableFact]
    public async Task A_tcp_subscriber_leaving_a_relay_does_not_stop_its_epgm_output()
    {
        NamespaceNetwork.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 3);
        int port = Random.Shared.Next(20_000, 30_000);
        string feedEndpoint = $"tcp://{net.Address(1)}:{port}", relayTcp = $"tcp://{net.Address(2)}:{port + 20}";
        await using var feed = StartFeed(net, 1, feedEndpoint);
        await using var relay = net.Start(
            2, "dotnet", RelayProcess.Dll, "--upstream", feedEndpoint, "--bind", net.Endpoint(2, port + 10), "--bind", relayTcp, "--metrics-port", "0", "--name", "pgm-relay");

        // A tcp subscriber of everything (no --prefix) comes and goes: the relay's XPUB then reports
        // "" unsubscribed, the very prefix the relay holds upstream for its multicast output.
        await using (var passing = net.Start(3, "dotnet", TelemetryCli.Dll, "sub", "--connect", relayTcp, "--json", "--count", "50"))
        {
            Assert.True(await passing.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, passing.Describe());
        }

        await using var sub = StartSub(net, 3, net.Endpoint(3, port + 10));
        await AssertGapless(sub);
    }

    private static ChildProcess StartFeed(NamespaceNetwork net, int host, string bind) =>
        net.Start(host, "dotnet", RepoPaths.Program("publisher", "Telemetry.Publisher"), "--bind", bind, "--symbols", "4", "--rate", "4000", "--metrics-port", "0", "--name", "pgm-feed");

    private static ChildProcess StartRelay(NamespaceNetwork net, int host, string upstream, string bind) =>
        net.Start(host, "dotnet", RelayProcess.Dll, "--upstream", upstream, "--bind", bind, "--metrics-port", "0", "--name", "pgm-relay");

    private static ChildProcess StartSub(NamespaceNetwork net, int host, string connect) =>
        net.Start(host, "dotnet", TelemetryCli.Dll, "sub", "--connect", connect, "--prefix", "md.", "--json", "--count", $"{Count}");

    /// <summary>The CLI exits 0 after Count records; within each topic the sequence numbers follow on without a hole.</summary>
    private static async Task AssertGapless(ChildProcess sub)
    {
        int exit = await sub.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, sub.Describe());
        var lines = sub.StdoutLines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Count, lines.Count);
        foreach (var topic in lines.GroupBy(l => l.GetProperty("topic").GetString()))
        {
            var seqs = topic.Select(l => l.GetProperty("seq").GetUInt64()).ToList();
            Assert.Equal(Enumerable.Range(0, seqs.Count).Select(i => seqs[0] + (ulong)i), seqs);
        }

        Assert.DoesNotContain(sub.StderrLines, l => l.Contains("gap", StringComparison.OrdinalIgnoreCase));
    }
}
