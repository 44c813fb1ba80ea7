using System.Text;

namespace Telemetry.Cli.Terminal;

/// <summary>
/// Text from the network shown on a terminal: control characters are escaped, so a topic or message
/// can neither split a record over lines nor send escape sequences to the terminal.
/// </summary>
internal static class TerminalText
{
    public static StringBuilder AppendEscaped(StringBuilder line, string text)
    {
        foreach (char c in text)
        {
            if (char.IsControl(c))
            {
                line.Append(c switch
                {
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ => $"\\u{(int)c:x4}",
                });
            }
            else
            {
                line.Append(c);
            }
        }

        return line;
    }

    public static string Escape(string text) =>
        text.Any(char.IsControl) ? AppendEscaped(new StringBuilder(text.Length + 8), text).ToString() : text;
}
