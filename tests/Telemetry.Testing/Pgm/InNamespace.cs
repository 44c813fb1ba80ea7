using System.Runtime.InteropServices;

namespace Telemetry.Tests.Pgm;

/// <summary>
/// Runs code in a host namespace of a <see cref="NamespaceNetwork"/> inside this test process: a
/// network namespace is a per-thread attribute on Linux, so a fresh thread enters it with setns()
/// and creates the objects there. Sockets stay in the namespace they were created in, and threads
/// the code starts inherit it, so a sender or receiver built this way lives on the private LAN.
/// </summary>
internal static class InNamespace
{
    private const int CloneNewNet = 0x40000000;
    private static readonly Lock NetMqGate = new();
    private static bool _netMqStarted;

    public static T Run<T>(string ns, Func<T> create)
    {
        StartNetMqHere();
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{ns}");
                if (setns(handle.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns({ns}) failed: errno {Marshal.GetLastPInvokeError()}");
                }

                result = create();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException($"Creating in namespace {ns} failed", failure);
        }

        return result!;
    }

    /// <summary>
    /// NetMQ starts its I/O threads with the first socket of the process, and those threads make the
    /// TCP connections of every socket after it. Were the first socket created in here, they would
    /// inherit the test's namespace, and once it is deleted every later in-process TCP link of the
    /// whole test run would go nowhere (it happened: 43 tests failed, depending only on which test
    /// class xUnit ran first). So NetMQ is started in the root namespace first.
    /// </summary>
    private static void StartNetMqHere()
    {
        lock (NetMqGate)
        {
            if (!_netMqStarted)
            {
                // Creating the process's first socket is what starts the I/O threads.
                Telemetry.Internal.NetMqRuntime.EnsureConfigured();
                using var socket = new NetMQ.Sockets.PairSocket();
                _netMqStarted = true;
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}
