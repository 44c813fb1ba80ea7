using Telemetry.Internal;

namespace Telemetry.Tests.Internal;

public class PendingRequestsTests
{
    [Fact]
    public void Requests_are_bounded_per_peer_and_in_total_and_a_removal_frees_its_peers_share()
    {
        var pending = new PendingRequests<string>(maxPerPeer: 2, maxTotal: 3);
        Assert.Equal(Admission.Admitted, pending.TryAdd("a", "n1", "r1", deadline: 100));
        Assert.Equal(Admission.Admitted, pending.TryAdd("a", "n2", "r2", deadline: 100));
        Assert.Equal(Admission.PeerLimit, pending.TryAdd("a", "n3", "r3", deadline: 100));
        Assert.Equal(Admission.Duplicate, pending.TryAdd("b", "n1", "again", deadline: 100));
        Assert.Equal(Admission.Admitted, pending.TryAdd("b", "n4", "r4", deadline: 100));
        Assert.Equal(Admission.TotalLimit, pending.TryAdd("c", "n5", "r5", deadline: 100));

        Assert.True(pending.Remove("n1"));
        Assert.False(pending.Remove("n1"));
        Assert.Equal(Admission.Admitted, pending.TryAdd("a", "n3", "r3", deadline: 100));
        Assert.True(pending.TryGet("n3", out var found));
        Assert.Equal(("r3", 3), (found, pending.Count));
    }

    [Fact]
    public void Requests_expire_in_deadline_order_and_only_once_their_deadline_has_passed()
    {
        var pending = new PendingRequests<string>(maxPerPeer: 10, maxTotal: 10);
        pending.TryAdd("a", "late", "late", deadline: 300);
        pending.TryAdd("a", "early", "early", deadline: 100);
        pending.TryAdd("a", "gone", "gone", deadline: 50);
        pending.TryAdd("a", "moved", "moved", deadline: 60);
        pending.Remove("gone");
        pending.Reschedule("moved", 200);

        var expired = new List<string>();
        while (pending.TryExpire(now: 250, out var request))
        {
            expired.Add(request);
        }

        Assert.Equal(["early", "moved"], expired);
        Assert.Equal(1, pending.Count);
        Assert.True(pending.TryGet("late", out _));
    }

    [Fact]
    public void A_byte_bound_refuses_what_would_exceed_it()
    {
        var pending = new PendingRequests<string>(maxPerPeer: 10, maxTotal: 10, maxTotalBytes: 1000);
        Assert.Equal(Admission.Admitted, pending.TryAdd("a", "n1", "r1", deadline: 1, bytes: 600));
        Assert.Equal(Admission.TotalLimit, pending.TryAdd("b", "n2", "r2", deadline: 1, bytes: 500));
        pending.Remove("n1");
        Assert.Equal(Admission.Admitted, pending.TryAdd("b", "n2", "r2", deadline: 1, bytes: 500));
        Assert.Equal(500, pending.Bytes);
    }

    [Fact]
    public void Requests_finished_early_by_the_million_leave_the_pending_set_empty_and_the_next_expiry_correct()
    {
        // A peer that completes requests as fast as it makes them must not grow anything.
        var pending = new PendingRequests<string>(maxPerPeer: 16, maxTotal: 4096);
        for (int i = 0; i < 1_000_000; i++)
        {
            string key = $"n{i}";
            Assert.Equal(Admission.Admitted, pending.TryAdd("peer", key, key, deadline: 1_000_000 + i));
            pending.Remove(key);
        }

        pending.TryAdd("peer", "last", "last", deadline: 5);
        Assert.True(pending.TryExpire(now: 10, out var request));
        Assert.Equal(("last", 0), (request, pending.Count));
        Assert.False(pending.TryExpire(now: long.MaxValue, out _));
    }
}
