namespace Telemetry.Cli.Terminal;

/// <summary>Diagnostics: one line each on standard error, which is unbuffered so they appear at once.</summary>
internal static class Stderr
{
    private static readonly Lock Gate = new();

    public static void Line(string text)
    {
        // Receive, timer and main threads all report; whole lines must not interleave.
        lock (Gate)
        {
            Console.Error.WriteLine(text);
        }
    }

    public static int Fail(string text)
    {
        Line("telemetry: " + text);
        return 1;
    }
}
