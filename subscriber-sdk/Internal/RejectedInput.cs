using Microsoft.Extensions.Logging;

namespace Telemetry.Internal;

/// <summary>
/// Counts what a node refused, by kind, and logs the first refusal of each kind only: hostile
/// input arrives by the million, and the counters (stats, /metrics) carry the rest. Written by the
/// node's receive thread; read from any thread.
/// </summary>
internal sealed class RejectedInput(ILogger logger, string owner)
{
    // The metric label of each kind: DecodeError.BadTopic is "bad_topic".
    private static readonly (DecodeError Kind, string Label)[] Kinds =
        [.. Enum.GetValues<DecodeError>().Where(k => k != DecodeError.None).Select(k => (k, System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(k.ToString())))];

    private readonly long[] _counts = new long[Enum.GetValues<DecodeError>().Length];
    private long _total;

    /// <summary>Every refusal so far.</summary>
    public long Total => Volatile.Read(ref _total);

    /// <summary>Refusals of one kind so far.</summary>
    public long this[DecodeError kind] => Volatile.Read(ref _counts[(int)kind]);

    /// <summary>Refusals so far by kind, every kind present (zero or not), keyed by its metric label.</summary>
    public IReadOnlyDictionary<string, long> ByKind() => Kinds.ToDictionary(k => k.Label, k => this[k.Kind], StringComparer.Ordinal);

    /// <summary>Counts one refused message; logs it if it is the first of its kind.</summary>
    public void Add(DecodeError kind)
    {
        Volatile.Write(ref _total, _total + 1);
        long count = _counts[(int)kind] + 1;
        Volatile.Write(ref _counts[(int)kind], count);
        if (count == 1)
        {
            Log.MalformedMessage(logger, owner, kind);
        }
    }
}
