using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Chaos;

/// <summary>
/// Checks subscribers below a fault against a witness that reads the origin on a path the fault does
/// not touch: the witness sees every record, so what the others did not get must be exactly what
/// their gap reports name.
/// </summary>
internal static class WitnessCheck
{
    /// <summary>
    /// For every subscriber and topic: records arrive in order, each equals the witness's record of
    /// the same number, and delivered runs and reported gaps tile the range from the first record
    /// delivered to the last. Returns the gaps, per subscriber and topic.
    /// </summary>
    public static async Task<List<(int Index, string Topic, List<GapEventArgs> Gaps)>> AssertExactGapsAsync(SubscribersBelow below, Collector<Tick> witness, string publisher)
    {
        // Records first, gaps second: a gap raised after the snapshot starts beyond its last record and is left out.
        var delivered = await DeliveredAsync(below, witness);
        var reported = below.Collectors.Select(c => c.Gaps.ToList()).ToList();

        Assert.Empty(witness.Gaps);
        Assert.Empty(witness.Restarts);
        var truth = witness.Records.GroupBy(r => (r.Topic, r.Sequence)).ToDictionary(g => g.Key, g => g.ToList());
        var result = new List<(int, string, List<GapEventArgs>)>();
        foreach (var (index, topic, records) in delivered)
        {
            ulong first = records[0].Sequence, last = records[^1].Sequence;
            string because = $"subscriber {index}, {topic}";
            for (ulong s = first; s <= last; s++)
            {
                Assert.True(truth.TryGetValue((topic, s), out var seen) && seen.Count == 1, $"{because}: the witness should have record {s} exactly once");
            }

            Assert.All(records, r => Assert.Equal(truth[(topic, r.Sequence)][0].Record, r.Record));
            Assert.All(records, r => Assert.Equal((publisher, records[0].Session), (r.Publisher, r.Session)));
            var gaps = reported[index].Where(g => g.Topic == topic && g.FirstMissing <= last).ToList();
            Assert.All(gaps, g => Assert.Equal((publisher, records[0].Session), (g.Publisher, g.Session)));
            SequenceRange.AssertTile(
                SequenceRange.Runs(records.Select(r => r.Sequence)),
                gaps.Select(g => new SequenceRange(g.FirstMissing, g.LastMissing)),
                first,
                last,
                because);
            result.Add((index, topic, gaps));
        }

        return result;
    }

    /// <summary>
    /// For every subscriber and topic: no gap was reported, and the records delivered are every
    /// record of the witness from the first delivered to the last, each once, in order, equal to
    /// the witness's. Returns the records repaired, per subscriber.
    /// </summary>
    public static async Task<long[]> AssertExactRepairAsync(SubscribersBelow below, Collector<Tick> witness, string publisher)
    {
        var delivered = await DeliveredAsync(below, witness);
        Assert.Empty(witness.Gaps);
        var truth = witness.Records.GroupBy(r => (r.Topic, r.Sequence)).ToDictionary(g => g.Key, g => g.Single());
        foreach (var (index, topic, records) in delivered)
        {
            string because = $"subscriber {index}, {topic}";
            Assert.True(below.Collectors[index].Gaps.IsEmpty, $"{because}: gaps {string.Join(" ", below.Collectors[index].Gaps.Select(g => $"{g.Topic} {g.FirstMissing}..{g.LastMissing}"))}");
            ulong first = records[0].Sequence;
            Assert.Equal(new SequenceRange(first, records[^1].Sequence).ToList(), records.Select(r => r.Sequence).ToList());
            Assert.All(records, r => Assert.Equal(truth[(topic, r.Sequence)].Record, r.Record));
            Assert.All(records, r => Assert.Equal((publisher, records[0].Session), (r.Publisher, r.Session)));
        }

        return [.. below.Subscribers.Select(s => s.GetStats().RepairedRecords)];
    }

    /// <summary>What each subscriber got on each of its topics, once the witness has got at least as far.</summary>
    private static async Task<List<(int Index, string Topic, List<Received<Tick>> Records)>> DeliveredAsync(SubscribersBelow below, Collector<Tick> witness)
    {
        var delivered = below.Topics.Select(t => (t.Index, t.Topic, Records: below.Collectors[t.Index].Records.Where(r => r.Topic == t.Topic).ToList())).ToList();
        Assert.All(delivered, d => Assert.True(d.Records.Count > 0, $"subscriber {d.Index} got nothing on {d.Topic}"));
        await Eventually.Until(
            () => delivered.All(d => witness.Records.Where(r => r.Topic == d.Topic).Select(r => r.Sequence).DefaultIfEmpty().Max() >= d.Records[^1].Sequence),
            20_000,
            "the witness should get at least as far as the subscribers below");
        return delivered;
    }
}
