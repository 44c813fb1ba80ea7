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

    public static T Run<T>(string ns, Func<T> create)
    {
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

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}
