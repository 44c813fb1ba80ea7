namespace Telemetry.Tests.Infrastructure;

/// <summary>Starts a host process and waits until it answers, retrying a start that exits early.</summary>
internal static class ReadyProcess
{
    /// <summary>
    /// Starts with <paramref name="start"/> until <paramref name="ready"/> says yes. A port of a killed
    /// instance can stay busy for a moment, so a start that exits early is recorded in
    /// <paramref name="failedStarts"/> and tried again until <paramref name="patience"/> runs out.
    /// </summary>
    public static async Task<ChildProcess> StartAsync(Func<ChildProcess> start, Func<Task<bool>> ready, TimeSpan patience, List<string> failedStarts, string what)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var process = start();
            while (!process.HasExited && DateTime.UtcNow < deadline)
            {
                if (await ready())
                {
                    return process;
                }

                await Task.Delay(50);
            }

            string output = process.Describe();
            failedStarts.Add($"exit {(process.HasExited ? process.ExitCode : -1)}: {output}");
            await process.DisposeAsync();
            Assert.True(DateTime.UtcNow < deadline, $"{what} did not become ready within {patience}.\n{output}");
            await Task.Delay(200);
        }
    }
}
