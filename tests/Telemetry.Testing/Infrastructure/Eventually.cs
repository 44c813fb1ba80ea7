namespace Telemetry.Tests.Infrastructure;

/// <summary>Waits for a condition that real sockets make true asynchronously; fails with a message if it never does.</summary>
internal static class Eventually
{
    public static async Task Until(Func<bool> condition, int timeoutMs = 10_000, string? because = null)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Condition not met within {timeoutMs} ms{(because is null ? "" : ": " + because)}.");
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
