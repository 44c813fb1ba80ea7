using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Pgm;

/// <summary>
/// A private LAN of network namespaces for multicast tests: a "switch" namespace holding a Linux
/// bridge and N host namespaces, each joined to the bridge by a veth pair created directly inside
/// the namespaces (nothing appears in the machine's own namespace). Host i has 10.231.S.i/24 with a
/// multicast route on its veth; S, the group 239.192.S.1 and all names are unique per run. Dispose
/// deletes the namespaces, which removes their veths and the bridge with them.
/// </summary>
internal sealed class NamespaceNetwork : IDisposable
{
    private readonly List<string> _created = [];

    private NamespaceNetwork(string prefix, int subnet, int hosts)
    {
        Prefix = prefix;
        Subnet = subnet;
        Hosts = hosts;
    }

    public string Prefix { get; }

    public int Subnet { get; }

    public int Hosts { get; }

    /// <summary>The multicast group of this run.</summary>
    public string Group => $"239.192.{Subnet}.1";

    /// <summary>Why these tests cannot run here, or null when they can.</summary>
    public static string? Unavailable { get; } = FindUnavailable();

    public static void SkipIfUnavailable() => Skip.If(Unavailable is not null, Unavailable);

    /// <summary>Builds the LAN; throws (after cleaning up) if any step fails.</summary>
    public static NamespaceNetwork Create(int hosts)
    {
        string prefix = "pg" + Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..5];
        var net = new NamespaceNetwork(prefix, Random.Shared.Next(1, 250), hosts);
        try
        {
            net.Build();
            return net;
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    public string Namespace(int host) => $"{Prefix}h{host}";

    public string SwitchNamespace => $"{Prefix}sw";

    public string Interface(int host) => $"{Prefix}v{host}";

    public string Address(int host) => $"10.231.{Subnet}.{host}";

    /// <summary>libzmq's endpoint syntax, interface by address: epgm://10.231.S.i;239.192.S.1:port.</summary>
    public string Endpoint(int host, int port) => $"epgm://{Address(host)};{Group}:{port}";

    /// <summary>Starts a program inside a host namespace.</summary>
    public ChildProcess Start(int host, string fileName, params string[] args) =>
        ChildProcess.Start("ip", ["netns", "exec", Namespace(host), fileName, .. args]);

    /// <summary>Drops a random <paramref name="percent"/> of the UDP datagrams to <paramref name="port"/> arriving at a host.</summary>
    public void AddInboundLoss(int host, int port, int percent) =>
        Nft(host, $"add rule inet {Prefix} input udp dport {port} numgen random mod 100 < {percent} counter drop");

    /// <summary>
    /// Drops the original transmission (ODATA) of one data sequence number arriving at a host; its
    /// repair (RDATA) passes. Matched in the PGM header inside the UDP payload: the type at byte 4,
    /// the data sequence number at byte 16 (RFC 3208, section 8).
    /// </summary>
    public void DropOdata(int host, int port, uint sequence) =>
        Nft(host, $"add rule inet {Prefix} input udp dport {port} @th,96,8 0x04 @th,192,32 {sequence} counter drop");

    /// <summary>Drops every UDP datagram to <paramref name="port"/> arriving at a host until <see cref="ClearLoss"/>.</summary>
    public void BlockInbound(int host, int port) => Nft(host, $"add rule inet {Prefix} input udp dport {port} counter drop");

    public void ClearLoss(int host) => Nft(host, $"flush chain inet {Prefix} input");

    /// <summary>Packets transmitted by a host's veth so far.</summary>
    public long TransmittedPackets(int host) =>
        long.Parse(Ip("netns", "exec", Namespace(host), "cat", $"/sys/class/net/{Interface(host)}/statistics/tx_packets").Trim(), CultureInfo.InvariantCulture);

    public void Dispose()
    {
        foreach (var ns in Enumerable.Reverse(_created))
        {
            TryRun("ip", "netns", "del", ns);
        }

        _created.Clear();
    }

    private static string? FindUnavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Network namespaces need Linux.";
        }

        if (geteuid() != 0)
        {
            return "Network namespaces need root (run the PGM tests as root, as CI does).";
        }

        if (TryRun("ip", "-V") is null)
        {
            return "iproute2 (the ip command) is not installed.";
        }

        return TryRun("nft", "--version") is null ? "nftables (the nft command) is not installed; it provides the packet loss." : null;
    }

    private void Build()
    {
        AddNamespace(SwitchNamespace);
        Ip("-n", SwitchNamespace, "link", "add", "br0", "type", "bridge");
        Ip("-n", SwitchNamespace, "link", "set", "br0", "up");
        for (int i = 1; i <= Hosts; i++)
        {
            string ns = Namespace(i);
            AddNamespace(ns);
            string port = $"{Prefix}p{i}";
            Ip("link", "add", Interface(i), "netns", ns, "type", "veth", "peer", "name", port, "netns", SwitchNamespace);
            Ip("-n", SwitchNamespace, "link", "set", port, "master", "br0");
            Ip("-n", SwitchNamespace, "link", "set", port, "up");
            Ip("-n", ns, "addr", "add", $"{Address(i)}/24", "dev", Interface(i));
            Ip("-n", ns, "link", "set", "lo", "up");
            Ip("-n", ns, "link", "set", Interface(i), "up");
            Ip("-n", ns, "route", "add", "224.0.0.0/4", "dev", Interface(i));
            Ip("netns", "exec", ns, "nft", "add", "table", "inet", Prefix);
            Ip("netns", "exec", ns, "nft", "add chain inet " + Prefix + " input { type filter hook input priority 0 ; }");
        }
    }

    private void AddNamespace(string ns)
    {
        Ip("netns", "add", ns);
        _created.Add(ns);
    }

    private void Nft(int host, string rule) => Ip("netns", "exec", Namespace(host), "nft", rule);

    private static string Ip(params string[] args) =>
        TryRun("ip", args) ?? throw new InvalidOperationException($"ip {string.Join(' ', args)} failed");

    private static string? TryRun(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            string output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern uint geteuid();
}
