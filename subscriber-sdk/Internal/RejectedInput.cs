using Microsoft.Extensions.Logging;

namespace Telemetry.Internal;

/// <summary>
/// Counts what a node refused, by kind, and logs the first refusal of each kind only: hostile
/// input arrives by the million, and the counters (stats, /metrics) carry the rest. Written by the
/// node's receive thread; read from any thread.
/// </summary>
internal sealed class RejectedInput(ILogger logger, string owner)
{
    private readonly long[] _counts = new long[Enum.GetValues<DecodeError>().Length];
    private long _total;

    /// <summary>Every refusal so far.</summary>
    public long Total => Volatile.Read(ref _total);

    /// <summary>Refusals of one kind so far.</summary>
    public long this[DecodeError kind] => Volatile.Read(ref _counts[(int)kind]);

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
