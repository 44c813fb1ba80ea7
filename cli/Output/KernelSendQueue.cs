using System.Globalization;

namespace Telemetry.Cli.Output;

/// <summary>
/// The bytes this process's TCP connections still hold in the kernel, unsent or unacknowledged
/// (Linux: the tx_queue column of /proc/self/net/tcp for this process's socket inodes). ZeroMQ
/// counts a message sent once the kernel has it; a process that exits while the kernel still holds
/// some, with a peer's heartbeat unread, closes with a reset and the kernel drops what was unsent.
/// A short-lived publisher waits for this to reach zero before it exits.
/// </summary>
internal static class KernelSendQueue
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    /// <summary>Waits until no established connection of this process has bytes waiting, or <paramref name="timeout"/> passes; false on timeout.</summary>
    public static async Task<bool> WaitUntilEmptyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Bytes() > 0)
        {
            if (Environment.TickCount64 >= deadline)
            {
                return false;
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Bytes queued in all of this process's established TCP connections; 0 if /proc cannot be read.</summary>
    public static long Bytes()
    {
        try
        {
            var inodes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var fd in Directory.EnumerateFiles("/proc/self/fd"))
            {
                string? target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target["socket:[".Length..^1]);
                }
            }

            long bytes = 0;
            foreach (var table in new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" })
            {
                if (!File.Exists(table))
                {
                    continue;
                }

                foreach (var line in File.ReadLines(table).Skip(1))
                {
                    // sl local remote st tx_queue:rx_queue tr:when retrnsmt uid timeout inode ...
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length > 9 && fields[3] == "01" && inodes.Contains(fields[9]))
                    {
                        bytes += long.Parse(fields[4].AsSpan(0, fields[4].IndexOf(':')), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    }
                }
            }

            return bytes;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }
}
