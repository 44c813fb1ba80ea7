namespace Telemetry.Perf.E2e;

/// <summary>The libzmq peer (peers/zmq_pubsub.c), compiled by the harness with gcc against Debian's libzmq3-dev.</summary>
internal static class ZmqPeer
{
    /// <summary>The path of the built peer, or null with <paramref name="reason"/> saying why it cannot be had.</summary>
    public static string? Build(out string? reason)
    {
        reason = SystemPackages.Ensure("/usr/bin/gcc", "gcc") ?? SystemPackages.Ensure("/usr/include/zmq.h", "libzmq3-dev");
        if (reason is not null)
        {
            return null;
        }

        string source = Path.Combine(AppContext.BaseDirectory, "peers", "zmq_pubsub.c");
        string binary = Path.Combine(AppContext.BaseDirectory, "peers", "zmq_pubsub");
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) >= File.GetLastWriteTimeUtc(source))
        {
            return binary;
        }

        var (code, output) = SystemPackages.Run("gcc", "-O2", "-Wall", "-Wextra", "-o", binary, source, "-lzmq");
        if (code != 0)
        {
            reason = $"gcc failed to build {source}: {output}";
            return null;
        }

        return binary;
    }
}
