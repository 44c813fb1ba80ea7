using System.Diagnostics;

namespace Telemetry.Transport.Pgm;

/// <summary>
/// Token bucket over wire bytes (IP/UDP headers included, as OpenPGM counts them). Multicast has no
/// flow control: sending faster than the configured rate just overruns receivers and switches, so
/// the sender waits here instead. The bucket holds 10 ms of rate so bursts leave at line speed.
/// </summary>
internal sealed class RateLimiter
{
    private readonly Lock _lock = new();
    private readonly double _bytesPerTick;
    private readonly double _capacity;
    private double _tokens;
    private long _lastTicks;

    public RateLimiter(long bytesPerSecond)
    {
        _bytesPerTick = bytesPerSecond / (double)Stopwatch.Frequency;
        _capacity = Math.Max(bytesPerSecond / 100.0, 16 * 1024);
        _tokens = _capacity;
        _lastTicks = Stopwatch.GetTimestamp();
    }

    /// <summary>Waits until <paramref name="bytes"/> may be sent, then takes them; false when <paramref name="stop"/> was set meanwhile.</summary>
    public bool Take(int bytes, ref bool stop)
    {
        while (true)
        {
            long waitTicks;
            lock (_lock)
            {
                Refill();
                if (_tokens >= bytes || _tokens >= _capacity)
                {
                    _tokens -= bytes;
                    return true;
                }

                waitTicks = (long)((bytes - _tokens) / _bytesPerTick);
            }

            if (Volatile.Read(ref stop))
            {
                return false;
            }

            // Sleeps of a millisecond or more are cheap; shorter waits yield so other threads run.
            if (waitTicks * 1000 >= Stopwatch.Frequency)
            {
                Thread.Sleep(1);
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    /// <summary>Takes without waiting (control packets: SPM, NCF are tiny and must not be delayed).</summary>
    public void Charge(int bytes)
    {
        lock (_lock)
        {
            Refill();
            _tokens -= bytes;
        }
    }

    private void Refill()
    {
        long now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + ((now - _lastTicks) * _bytesPerTick));
        _lastTicks = now;
    }
}
