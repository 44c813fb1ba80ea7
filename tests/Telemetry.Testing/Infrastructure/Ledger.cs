using System.Text.Json;

namespace Telemetry.Tests.Infrastructure;

/// <summary>One report of a <see cref="LedgerSubscriberProcess"/>.</summary>
internal sealed record Ledger(long Records, long Gaps, long Missing, long Duplicates, long Malformed, IReadOnlyList<LedgerStream> Streams, int Restarts)
{
    public static Ledger Parse(string line)
    {
        var root = JsonDocument.Parse(line).RootElement;
        return new Ledger(
            root.GetProperty("records").GetInt64(),
            root.GetProperty("gaps").GetInt64(),
            root.GetProperty("missing").GetInt64(),
            root.GetProperty("duplicates").GetInt64(),
            root.GetProperty("malformed").GetInt64(),
            [.. root.GetProperty("streams").EnumerateArray().Select(s => new LedgerStream(
                s.GetProperty("topic").GetString()!,
                s.GetProperty("publisher").GetString()!,
                s.GetProperty("session").GetUInt64(),
                Ranges(s.GetProperty("runs")),
                Ranges(s.GetProperty("gaps"))))],
            root.GetProperty("restarts").GetArrayLength());
    }

    public LedgerStream Stream(string topic) => Assert.Single(Streams, s => s.Topic == topic);

    private static List<SequenceRange> Ranges(JsonElement array) =>
        [.. array.EnumerateArray().Select(r => new SequenceRange(r[0].GetUInt64(), r[1].GetUInt64()))];
}

/// <summary>What a ledger subscriber got of one (topic, publisher, session): delivered runs and reported gaps, in arrival order.</summary>
internal sealed record LedgerStream(string Topic, string Publisher, ulong Session, IReadOnlyList<SequenceRange> Runs, IReadOnlyList<SequenceRange> Gaps)
{
    public long Delivered => Runs.Sum(r => (long)r.Count);
}
