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

    /// <summary>A short reason for an exception; NetMQ's exceptions often carry only the default message, so their type says it.</summary>
    public static string Reason(Exception exception) =>
        exception.Message.StartsWith("Exception of type", StringComparison.Ordinal)
            ? exception.GetType().Name.Replace("Exception", string.Empty, StringComparison.Ordinal)
            : exception.Message;

    public static int Fail(string text)
    {
        Line("telemetry: " + text);
        return 1;
    }
}
