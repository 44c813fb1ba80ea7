using System.Text;

namespace Telemetry.Wire;

/// <summary>
/// Conflated subscriptions (docs/wire-format.md, section 15). A peer that subscribes
/// <c>_cfl.&lt;prefix&gt;</c> instead of <c>&lt;prefix&gt;</c> asks the node for the latest value of
/// each matching topic at most once per the node's conflation interval, each sent as a one-record
/// batch on topic <c>_cfl.&lt;topic&gt;</c> with the record's own sequence number. The records it
/// skipped were replaced by newer ones on purpose: a receiver counts them as conflated, never as a
/// gap, and asks for no repair.
/// </summary>
internal static class ConflationProtocol
{
    public const string Prefix = "_cfl.";

    private static readonly byte[] PrefixUtf8 = Encoding.UTF8.GetBytes(Prefix);

    /// <summary>True for a topic (or subscription prefix) of the conflated feed.</summary>
    public static bool IsConflated(ReadOnlySpan<byte> topicUtf8) => topicUtf8.StartsWith(PrefixUtf8);

    /// <summary>True for a subscription prefix of the conflated feed.</summary>
    public static bool IsConflated(string prefix) => prefix.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The data prefix a subscription is for: <c>_cfl.md.</c> is interest in <c>md.</c>.</summary>
    public static string DataPrefix(string prefix) => IsConflated(prefix) ? prefix[Prefix.Length..] : prefix;

    /// <summary>The data topic of a conflated feed's topic frame.</summary>
    public static ReadOnlySpan<byte> DataTopic(ReadOnlySpan<byte> topicUtf8) => topicUtf8[PrefixUtf8.Length..];

    /// <summary>Writes <c>_cfl.</c> and <paramref name="topicUtf8"/>; returns the length.</summary>
    public static int WriteTopic(Span<byte> destination, ReadOnlySpan<byte> topicUtf8)
    {
        PrefixUtf8.CopyTo(destination);
        topicUtf8.CopyTo(destination[PrefixUtf8.Length..]);
        return PrefixUtf8.Length + topicUtf8.Length;
    }
}
