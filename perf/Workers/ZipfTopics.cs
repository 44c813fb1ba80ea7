namespace Telemetry.Perf.Workers;

/// <summary>
/// A precomputed, shuffled sequence of topic indices whose frequencies follow Zipf's law
/// (rank k gets a share proportional to 1/k^s): the publisher cycles through it, so choosing a
/// topic costs an array read instead of a random draw per record.
/// </summary>
internal static class ZipfTopics
{
    public const int SequenceLength = 1 << 16;

    /// <param name="topics">Number of topics.</param>
    /// <param name="exponent">Zipf exponent s; 0 gives every topic the same rate.</param>
    /// <param name="seed">Seed, so runs are comparable.</param>
    public static int[] Sequence(int topics, double exponent, int seed)
    {
        var weights = new double[topics];
        double total = 0;
        for (int k = 0; k < topics; k++)
        {
            weights[k] = 1.0 / Math.Pow(k + 1, exponent);
            total += weights[k];
        }

        // Largest-remainder apportionment: exact counts per topic, every topic at least once.
        var sequence = new int[SequenceLength];
        var counts = new int[topics];
        int assigned = 0;
        for (int k = 0; k < topics; k++)
        {
            counts[k] = Math.Max(1, (int)(weights[k] / total * SequenceLength));
            assigned += counts[k];
        }

        for (int k = 0; assigned < SequenceLength; k = (k + 1) % topics, assigned++)
        {
            counts[k]++;
        }

        // The floor of one record per topic can overshoot; the head topics have the most to give.
        for (int k = 0; assigned > SequenceLength; k++)
        {
            int take = Math.Min(counts[k] - 1, assigned - SequenceLength);
            counts[k] -= take;
            assigned -= take;
        }

        int position = 0;
        for (int k = 0; k < topics; k++)
        {
            sequence.AsSpan(position, counts[k]).Fill(k);
            position += counts[k];
        }

        new Random(seed).Shuffle(sequence);
        return sequence;
    }
}
