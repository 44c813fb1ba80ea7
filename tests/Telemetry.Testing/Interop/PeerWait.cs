using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Interop;

/// <summary>Shared plumbing of the interop tests: bounded waits that fail with the peer's output instead of hanging.</summary>
internal static class PeerWait
{
    /// <summary>A safety net against hangs, not a performance expectation.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Takes <paramref name="count"/> records from a subscriber stream, failing with the peer's output if they do not come.</summary>
    public static async IAsyncEnumerable<Received<T>> Read<T>(IAsyncEnumerable<Received<T>> source, int count, ChildProcess peer)
    {
        using var cts = new CancellationTokenSource(Patience);
        await using var e = source.GetAsyncEnumerator(cts.Token);
        for (int i = 0; i < count; i++)
        {
            bool more;
            try
            {
                more = await e.MoveNextAsync();
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{i} of {count} records arrived.\n{peer.Describe()}");
                yield break;
            }

            Assert.True(more, $"The stream ended after {i} of {count} records.\n{peer.Describe()}");
            yield return e.Current;
        }
    }
}
