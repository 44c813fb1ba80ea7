using Telemetry.Internal;

namespace Telemetry.Tests.Sdk;

/// <summary>The NetMQ message buffer pool: sizes, reuse across threads, and its bounds.</summary>
public sealed class MessageBufferPoolTests
{
    [Theory]
    [InlineData(0, 16)]
    [InlineData(1, 16)]
    [InlineData(16, 16)]
    [InlineData(17, 32)]
    [InlineData(1000, 1024)]
    [InlineData(1024, 1024)]
    [InlineData(65_537, 131_072)]
    [InlineData(1 << 20, 1 << 20)]
    public void Take_gives_the_smallest_power_of_two_class_that_holds_the_size(int size, int length)
    {
        using var pool = new MessageBufferPool();
        Assert.Equal(length, pool.Take(size).Length);
    }

    [Fact]
    public void A_buffer_returned_on_another_thread_is_handed_out_again()
    {
        using var pool = new MessageBufferPool();
        var taken = Enumerable.Range(0, 100).Select(_ => pool.Take(700)).ToList();
        var returner = new Thread(() => taken.ForEach(pool.Return));
        returner.Start();
        returner.Join();

        Assert.Equal(100, pool.Held);
        var again = Enumerable.Range(0, 100).Select(_ => pool.Take(1024)).ToList();
        Assert.Equal(taken.ToHashSet(ReferenceEqualityComparer.Instance).Count, again.Intersect(taken, ReferenceEqualityComparer.Instance).Count());
        Assert.Equal(0, pool.Held);
    }

    [Fact]
    public void The_pool_keeps_at_most_1024_arrays_and_4_MiB_per_size_and_no_array_of_another_length()
    {
        using var pool = new MessageBufferPool();
        foreach (var array in Enumerable.Range(0, 3000).Select(_ => new byte[64]))
        {
            pool.Return(array);
        }

        Assert.Equal(1024, pool.Held);

        using var large = new MessageBufferPool();
        foreach (var array in Enumerable.Range(0, 200).Select(_ => large.Take(65_536)).ToList())
        {
            large.Return(array);
        }

        Assert.Equal(64, large.Held);
        Assert.Equal(4L << 20, large.HeldBytes);

        using var largest = new MessageBufferPool();
        foreach (var array in Enumerable.Range(0, 10).Select(_ => largest.Take(1 << 20)).ToList())
        {
            largest.Return(array);
        }

        Assert.Equal(4, largest.Held);

        // Not a class size, or larger than the largest class: not pooled.
        using var other = new MessageBufferPool();
        other.Return(new byte[100]);
        other.Return(other.Take((1 << 20) + 1));
        Assert.Equal(0, other.Held);
        Assert.Throws<ArgumentOutOfRangeException>(() => other.Take(-1));
    }

    [Fact]
    public void Concurrent_take_and_return_never_hand_one_array_to_two_holders()
    {
        using var pool = new MessageBufferPool();
        var holders = new Thread[2];
        int conflicts = 0;
        for (int t = 0; t < holders.Length; t++)
        {
            byte marker = (byte)(t + 1);
            holders[t] = new Thread(() =>
            {
                for (int i = 0; i < 200_000; i++)
                {
                    var array = pool.Take(200);
                    array[0] = marker;
                    Thread.SpinWait(10);
                    if (array[0] != marker)
                    {
                        Interlocked.Increment(ref conflicts);
                    }

                    pool.Return(array);
                }
            });
            holders[t].Start();
        }

        foreach (var holder in holders)
        {
            holder.Join();
        }

        Assert.Equal(0, conflicts);
        Assert.InRange(pool.Held, 1, 2);
    }
}
