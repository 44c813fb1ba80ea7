using System.Diagnostics;

namespace Telemetry;

/// <content>
/// The message-rate budget (<see cref="PublisherOptions.MaxMessagesPerSecond"/>): past NetMQ's
/// per-message ceiling ZeroMQ drops whole batches, so a round that sent many small messages buys
/// time for the next round's batches to fill up instead.
/// </content>
public sealed partial class TelemetryPublisher<T>
{
    private long _nextRoundTimestamp;
    private long _budgetWaits;

    /// <summary>Rounds that waited for the message budget since start.</summary>
    internal long BudgetWaits => Volatile.Read(ref _budgetWaits);

    private void ChargeMessageBudget(long messages)
    {
        if (_options.MaxMessagesPerSecond > 0 && messages > 1)
        {
            _nextRoundTimestamp = Stopwatch.GetTimestamp() + (messages * Stopwatch.Frequency / _options.MaxMessagesPerSecond);
        }
    }

    private void WaitForMessageBudget()
    {
        long due = _nextRoundTimestamp;
        if (due == 0 || Stopwatch.GetTimestamp() >= due)
        {
            return;
        }

        _budgetWaits++;
        var spinner = default(SpinWait);
        while (!_stopping)
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
