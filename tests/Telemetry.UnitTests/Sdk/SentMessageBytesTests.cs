using Telemetry.Distribution;
using Telemetry.Internal;

namespace Telemetry.Tests.Sdk;

/// <summary>A publisher's count of the bytes NetMQ still holds of its messages (the Wait mode's budget).</summary>
public sealed class SentMessageBytesTests
{
    [Fact]
    public void Arrays_taken_under_a_claim_count_until_they_come_back_on_any_thread()
    {
        using var pool = new MessageBufferPool();
        using var mine = new SentMessageBytes();
        using var other = new SentMessageBytes();

        byte[] topic, body, large;
        using (mine.ClaimTakes())
        {
            topic = pool.Take(20);
            body = pool.Take(100);
            large = pool.Take((1 << 20) + 1);
        }

        var unclaimed = pool.Take(100);
        byte[] others;
        using (other.ClaimTakes())
        {
            others = pool.Take(5000);
        }

        Assert.Equal(32 + 128 + (1 << 20) + 1, mine.Bytes);
        Assert.Equal(8192, other.Bytes);

        // Returned by another thread, as NetMQ's I/O thread returns what a sender took.
        var returner = new Thread(() =>
        {
            pool.Return(unclaimed);
            pool.Return(body);
            pool.Return(large);
        });
        returner.Start();
        returner.Join();
        Assert.Equal(32, mine.Bytes);

        // The same array handed out again to someone else is not this publisher's any more.
        var again = pool.Take(100);
        Assert.Same(body, again);
        pool.Return(topic);
        pool.Return(again);
        Assert.Equal(0, mine.Bytes);
        Assert.Equal(8192, other.Bytes);
        pool.Return(others);
        Assert.Equal(0, other.Bytes);
    }
}
