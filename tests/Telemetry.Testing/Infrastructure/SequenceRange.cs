namespace Telemetry.Tests.Infrastructure;

/// <summary>Sequence numbers <see cref="First"/> to <see cref="Last"/>, inclusive.</summary>
internal readonly record struct SequenceRange(ulong First, ulong Last)
{
    public ulong Count => Last - First + 1;

    public override string ToString() => $"{First}..{Last}";

    /// <summary>Every number of the range, in order.</summary>
    public List<ulong> ToList()
    {
        var list = new List<ulong>();
        for (ulong s = First; s <= Last; s++)
        {
            list.Add(s);
        }

        return list;
    }

    /// <summary>Consecutive numbers folded into ranges, in the order given (a step back starts a new range).</summary>
    public static List<SequenceRange> Runs(IEnumerable<ulong> sequences)
    {
        var runs = new List<SequenceRange>();
        foreach (ulong s in sequences)
        {
            if (runs.Count > 0 && runs[^1].Last + 1 == s)
            {
                runs[^1] = runs[^1] with { Last = s };
            }
            else
            {
                runs.Add(new SequenceRange(s, s));
            }
        }

        return runs;
    }

    /// <summary>
    /// Asserts that delivered runs and reported gaps, together, cover <paramref name="first"/> to
    /// <paramref name="last"/> exactly once each: nothing lost without a report, nothing reported lost
    /// that was delivered, nothing delivered twice.
    /// </summary>
    public static void AssertTile(IEnumerable<SequenceRange> delivered, IEnumerable<SequenceRange> gaps, ulong first, ulong last, string because)
    {
        var all = delivered.Select(r => (Range: r, Kind: "delivered")).Concat(gaps.Select(g => (Range: g, Kind: "gap"))).OrderBy(r => r.Range.First).ToList();
        string listing = $"{because}: " + string.Join(" ", all.Select(r => $"{r.Kind} {r.Range}"));
        Assert.True(all.Count > 0, listing);
        Assert.True(all[0].Range.First == first, $"expected the ranges to start at {first}; {listing}");
        for (int i = 1; i < all.Count; i++)
        {
            Assert.True(all[i].Range.First == all[i - 1].Range.Last + 1, $"{all[i - 1].Kind} {all[i - 1].Range} is not followed by {all[i - 1].Range.Last + 1}; {listing}");
        }

        Assert.True(all[^1].Range.Last == last, $"expected the ranges to end at {last}; {listing}");
    }
}
