using System.Diagnostics;

namespace Telemetry;

/// <summary>
/// The message-rate budget (<see cref="PublisherOptions.MaxMessagesPerSecond"/>): past NetMQ's
/// per-message ceiling ZeroMQ drops whole batches, so a round that sent many small messages buys
/// time for the next round's batches to fill up instead. Used by whichever thread runs the round (the sender's <c>_owned</c>).
/// </summary>
internal sealed class MessageBudget(int maxMessagesPerSecond)
{
    private long _nextRoundTimestamp;
    private long _waits;

    /// <summary>Rounds that waited for the budget since start.</summary>
    public long Waits => Volatile.Read(ref _waits);

    /// <summary>Charges a round that sent <paramref name="messages"/> messages.</summary>
    public void Charge(long messages)
    {
        if (maxMessagesPerSecond > 0 && messages > 1)
        {
            _nextRoundTimestamp = Stopwatch.GetTimestamp() + (messages * Stopwatch.Frequency / maxMessagesPerSecond);
        }
    }

    /// <summary>True when the last round's messages are paid for: the next round need not wait.</summary>
    public bool Ready
    {
        get
        {
            long due = _nextRoundTimestamp;
            return due == 0 || Stopwatch.GetTimestamp() >= due;
        }
    }

    /// <summary>Waits until the last round's messages are paid for, or <paramref name="stopping"/> says to stop waiting.</summary>
    public void Wait(Func<bool> stopping)
    {
        long due = _nextRoundTimestamp;
        if (due == 0 || Stopwatch.GetTimestamp() >= due)
        {
            return;
        }

        Volatile.Write(ref _waits, _waits + 1);
        var spinner = default(SpinWait);
        while (!stopping())
        {
            long remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                break;
            }

            // Sleep when a millisecond or more is left; yield below that (a sleep would overshoot).
            if (remaining * 1000 >= Stopwatch.Frequency)
            {
                Thread.Sleep(1);
            }
            else
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }

        _nextRoundTimestamp = 0;
    }
}
