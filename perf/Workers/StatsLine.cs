using System.Text.Json.Nodes;

namespace Telemetry.Perf.Workers;

/// <summary>Workers talk to the harness in JSON lines on stdout: one object per line, flushed at once.</summary>
internal static class StatsLine
{
    private static readonly Lock Gate = new();

    public static void Write(JsonObject line)
    {
        string text = line.ToJsonString();
        lock (Gate)
        {
            Console.Out.WriteLine(text);
            Console.Out.Flush();
        }
    }

    /// <summary>Blocks until the harness closes our stdin (or kills us): workers never stop on their own.</summary>
    public static void WaitForStdinToClose()
    {
        while (Console.In.ReadLine() is not null)
        {
        }
    }
}
