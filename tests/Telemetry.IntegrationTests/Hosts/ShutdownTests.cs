namespace Telemetry.Tests.Hosts;

/// <summary>
/// Every long-running program stops cleanly on Ctrl+C (SIGINT) and on SIGTERM: it exits with 0
/// within seconds and says in its log that it stopped. Each runs as the real built binary, ready
/// and busy (data flowing) when the signal arrives.
/// </summary>
public sealed class ShutdownTests
{
    // Generous for a loaded 2-core machine: each of them stops in well under a second when idle.
    private static readonly TimeSpan ExitPatience = TimeSpan.FromSeconds(10);

    private static readonly string[] Programs = ["publisher", "relay", "dashboard", "dashboard --connect", "sink", "sub", "stat"];

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var program in Programs)
        {
            cases.Add(program, "SIGINT");
            cases.Add(program, "SIGTERM");
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task It_exits_with_0_within_seconds_of_the_signal_and_says_it_stopped(string program, string signal)
    {
        await using var subject = await ShutdownSubject.StartAsync(program);

        if (signal == "SIGINT")
        {
            subject.Process.Interrupt();
        }
        else
        {
            subject.Process.Terminate();
        }

        int exitCode = await subject.Process.WaitForExitAsync(ExitPatience);
        Assert.True(exitCode == 0, $"{program} exited with {exitCode} after {signal}.\n{subject.Describe()}");

        var report = subject.Report.ToList();
        int previous = -1;
        foreach (var expected in subject.StopLines)
        {
            int index = report.FindIndex(previous + 1, line => line.Contains(expected, StringComparison.Ordinal));
            Assert.True(index > previous, $"{program} should report '{expected}' after {signal}{(previous >= 0 ? ", after the line before it" : string.Empty)}.\n{subject.Describe()}");
            previous = index;
        }

        subject.CheckSummary(report[previous]);
    }
}
