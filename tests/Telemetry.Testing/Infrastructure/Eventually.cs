namespace Telemetry.Tests.Infrastructure;

/// <summary>Waits for a condition that real sockets make true asynchronously; fails with a message if it never does.</summary>
internal static class Eventually
{
    /// <summary>Waits for <paramref name="condition"/>; <paramref name="because"/> is a fixed text (state to report goes through the overload below).</summary>
    public static Task Until(Func<bool> condition, int timeoutMs = 10_000, string? because = null) =>
        Until(condition, timeoutMs, because is null ? null : () => because);

    /// <summary>
    /// The same, with the failure text built when the wait fails: an interpolated string passed as
    /// text is evaluated before the wait starts, so it would report the state at the start (two
    /// flaky-test hunts were misled by counts that were zero because they were read too early).
    /// </summary>
    public static async Task Until(Func<bool> condition, int timeoutMs, Func<string>? because)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Condition not met within {timeoutMs} ms{(because is null ? "" : ": " + because())}.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The same for a condition that must be fetched, e.g. a scrape of a process's metrics.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, int timeoutMs = 10_000, Func<string>? because = null)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Condition not met within {timeoutMs} ms{(because is null ? "" : ": " + because())}.");
            }

            await Task.Delay(25);
        }
    }
}
