using Telemetry.Subscribing;

namespace Telemetry.Tests.Codec;

public class StreamTrackerTests
{
    private readonly StreamTracker _tracker = new(maxStreams: 3);

    private StreamTracker.Stream Stream(string topic = "md.A", string publisher = "p") => _tracker.Find(topic, System.Text.Encoding.UTF8.GetBytes(publisher))!;

    [Fact]
    public void The_first_batch_seen_is_the_baseline_even_mid_stream()
    {
        Assert.Equal(SequenceVerdict.InOrder, StreamTracker.Apply(Stream(), 9, 5000, 10, out _, out _));
        Assert.Equal(SequenceVerdict.InOrder, StreamTracker.Apply(Stream(), 9, 5010, 1, out _, out _));
    }

    [Fact]
    public void A_hole_is_a_gap_with_the_exact_first_missing_sequence()
    {
        StreamTracker.Apply(Stream(), 9, 1, 10, out _, out _);
        Assert.Equal(SequenceVerdict.Gap, StreamTracker.Apply(Stream(), 9, 25, 5, out _, out ulong firstMissing));
        Assert.Equal(11UL, firstMissing);
        Assert.Equal(30UL, Stream().NextSequence);
    }

    [Fact]
    public void A_new_session_is_a_restart_not_a_gap()
    {
        StreamTracker.Apply(Stream(), 9, 1, 10, out _, out _);
        Assert.Equal(SequenceVerdict.Restart, StreamTracker.Apply(Stream(), 10, 1, 3, out _, out ulong previous));
        Assert.Equal(9UL, previous);
        Assert.Equal(SequenceVerdict.InOrder, StreamTracker.Apply(Stream(), 10, 4, 1, out _, out _));
    }

    [Fact]
    public void Repeated_records_are_duplicates_and_overlaps_skip_what_was_seen()
    {
        StreamTracker.Apply(Stream(), 9, 1, 10, out _, out _);
        Assert.Equal(SequenceVerdict.Duplicate, StreamTracker.Apply(Stream(), 9, 3, 5, out _, out _));
        Assert.Equal(SequenceVerdict.Overlap, StreamTracker.Apply(Stream(), 9, 8, 6, out int skip, out _));
        Assert.Equal(3, skip);
        Assert.Equal(14UL, Stream().NextSequence);
    }

    [Fact]
    public void Streams_are_kept_per_topic_and_publisher_and_bounded()
    {
        Assert.NotSame(Stream("md.A", "p"), Stream("md.A", "q"));
        Assert.NotSame(Stream("md.A", "p"), Stream("md.B", "p"));
        Assert.Null(_tracker.Find("md.C", "p"u8));
        Assert.True(_tracker.LimitReached);
        _tracker.Forget(topic => topic != "md.B");
        Assert.NotNull(_tracker.Find("md.C", "p"u8));
    }
}
