using System.Diagnostics;
using System.Net;

namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// Test hosts as Linux network namespaces, each joined by a veth pair to a bridge in this namespace,
/// where the test process sits as the hub (and runs the link proxies). Names carry a random suffix
/// and the addresses are a random /24 of 198.18.0.0/15 (reserved for network tests), so runs do not
/// collide; everything created is deleted on dispose, also after a failure half-way through setup.
/// Needs root and iproute2; <see cref="Unavailable"/> says why not otherwise.
/// </summary>
internal sealed class NetnsLab : IDisposable
{
    private readonly string _suffix = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next())).Substring(0, 6);
    private readonly List<string> _namespaces = [];
    private readonly List<string> _links = [];
    private readonly Dictionary<string, (string Namespace, IPAddress Address)> _hosts = new(StringComparer.Ordinal);
    private readonly byte _subnet;
    private string? _bridge;
    private int _directLinks;

    private NetnsLab(byte subnet) => _subnet = subnet;

    /// <summary>Why namespaces cannot be made here, or null when they can.</summary>
    public static string? Unavailable { get; } = FindUnavailableReason();

    /// <summary>This namespace's address on the bridge: the proxies listen here.</summary>
    public IPAddress HubAddress => new([198, 18, _subnet, 1]);

    public static NetnsLab Create(params string[] hosts)
    {
        var lab = new NetnsLab(FreeSubnet());
        try
        {
            lab.Build(hosts);
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    public string Namespace(string host) => _hosts[host].Namespace;

    public IPAddress Address(string host) => _hosts[host].Address;

    /// <summary>Starts a program inside a host's namespace (ip netns exec runs it in place: same pid, so Kill reaches it).</summary>
    public ChildProcess Start(string host, string fileName, params string[] args) =>
        ChildProcess.Start("ip", ["netns", "exec", Namespace(host), fileName, .. args]);

    /// <summary>
    /// A veth pair straight from <paramref name="a"/> to <paramref name="b"/>, beside the bridge, on
    /// its own /30 of 198.19.x.0/24: a link of its own that can be cut (<see cref="SetLinkUp"/>)
    /// without touching either host's other traffic. Deleted with the namespaces.
    /// </summary>
    public DirectLink Link(string a, string b)
    {
        int index = _directLinks++;
        var link = new DirectLink(
            $"trd{_suffix}{index}a", new IPAddress([198, 19, _subnet, (byte)(4 * index + 1)]),
            $"trd{_suffix}{index}b", new IPAddress([198, 19, _subnet, (byte)(4 * index + 2)]));
        Ip(true, "link", "add", link.DeviceA, "netns", Namespace(a), "type", "veth", "peer", "name", link.DeviceB, "netns", Namespace(b));
        foreach (var (host, device, address) in new[] { (a, link.DeviceA, link.AddressA), (b, link.DeviceB, link.AddressB) })
        {
            Ip(true, "-n", Namespace(host), "addr", "add", $"{address}/30", "dev", device);
            Ip(true, "-n", Namespace(host), "link", "set", device, "up");
        }

        return link;
    }

    /// <summary><c>ip link set DEV up|down</c> inside a host: down drops the carrier and the routes through it, as a pulled cable does.</summary>
    public void SetLinkUp(string host, string device, bool up) =>
        Ip(true, "-n", Namespace(host), "link", "set", device, up ? "up" : "down");

    /// <summary>Sets a kernel parameter inside a host's namespace only (the TCP buffer sizes are per namespace).</summary>
    public void Sysctl(string host, string key, string value) =>
        Run("ip", ["netns", "exec", Namespace(host), "sysctl", "-q", "-w", $"{key}={value}"], throwOnError: true);

    public void Dispose()
    {
        // Each step on its own: a failure must not leave the rest behind. Deleting one end of a veth
        // pair deletes both; deleting a namespace moves nothing back.
        foreach (var link in _links)
        {
            Ip(throwOnError: false, "link", "del", link);
        }

        if (_bridge is not null)
        {
            Ip(throwOnError: false, "link", "del", _bridge);
        }

        foreach (var ns in _namespaces)
        {
            Ip(throwOnError: false, "netns", "del", ns);
        }
    }

    private void Build(string[] hosts)
    {
        _bridge = $"trb{_suffix}";
        Ip(true, "link", "add", _bridge, "type", "bridge");
        Ip(true, "addr", "add", $"{HubAddress}/24", "dev", _bridge);
        Ip(true, "link", "set", _bridge, "up");
        for (int i = 0; i < hosts.Length; i++)
        {
            string ns = $"trt-{_suffix}-{hosts[i]}";
            string outside = $"trv{_suffix}{i}", inside = $"trp{_suffix}{i}";
            var address = new IPAddress([198, 18, _subnet, (byte)(i + 2)]);
            Ip(true, "netns", "add", ns);
            _namespaces.Add(ns);
            Ip(true, "link", "add", outside, "type", "veth", "peer", "name", inside);
            _links.Add(outside);
            Ip(true, "link", "set", inside, "netns", ns);
            Ip(true, "link", "set", outside, "master", _bridge, "up");
            Ip(true, "-n", ns, "addr", "add", $"{address}/24", "dev", inside);
            Ip(true, "-n", ns, "link", "set", inside, "up");
            Ip(true, "-n", ns, "link", "set", "lo", "up");
            _hosts[hosts[i]] = (ns, address);
        }
    }

    private static byte FreeSubnet()
    {
        string routes = Run("ip", ["-4", "route", "show"], throwOnError: true);
        for (int attempt = 0; attempt < 64; attempt++)
        {
            byte subnet = (byte)Random.Shared.Next(256);
            if (!routes.Contains($"198.18.{subnet}.", StringComparison.Ordinal))
            {
                return subnet;
            }
        }

        throw new InvalidOperationException("No free 198.18.x.0/24 test subnet.");
    }

    private static void Ip(bool throwOnError, params string[] args) => Run("ip", args, throwOnError);

    private static string Run(string fileName, string[] args, bool throwOnError)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && throwOnError)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Trim()}");
        }

        return stdout;
    }

    private static string? FindUnavailableReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces are Linux only";
        }

        try
        {
            if (Run("id", ["-u"], throwOnError: true).Trim() != "0")
            {
                return "network namespaces need root (CI runs as root); run the tests as root to include this one";
            }

            Run("ip", ["netns", "list"], throwOnError: true);
            return null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"iproute2's ip command does not work here: {ex.Message}";
        }
    }
}
