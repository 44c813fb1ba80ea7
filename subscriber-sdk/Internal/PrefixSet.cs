namespace Telemetry.Internal;

/// <summary>
/// The set of subscribed topic prefixes (raw bytes, as ZeroMQ matches them). A topic is wanted if
/// any of its own prefixes is in the set: a check costs one hash lookup per topic byte, whatever the
/// number of subscriptions. Bytes are mapped 1:1 to chars (Latin-1) so any byte string is a key.
/// </summary>
internal sealed class PrefixSet
{
    private readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public PrefixSet() => _lookup = _prefixes.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Bumped on every change so callers can cache per-topic answers.</summary>
    public int Version { get; private set; }

    public int Count => _prefixes.Count;

    public bool Add(ReadOnlySpan<byte> prefix)
    {
        bool added = _prefixes.Add(System.Text.Encoding.Latin1.GetString(prefix));
        Version += added ? 1 : 0;
        return added;
    }

    public bool Remove(ReadOnlySpan<byte> prefix)
    {
        bool removed = _prefixes.Remove(System.Text.Encoding.Latin1.GetString(prefix));
        Version += removed ? 1 : 0;
        return removed;
    }

    public void Clear()
    {
        _prefixes.Clear();
        Version++;
    }

    public bool Matches(ReadOnlySpan<byte> topic)
    {
        if (_prefixes.Count == 0)
        {
            return false;
        }

        // Topics are at most MaxTopicBytes (checked where they enter): a constant stack buffer, never one sized by the caller.
        if (topic.Length > Wire.WireFormat.MaxTopicBytes)
        {
            return false;
        }

        Span<char> chars = stackalloc char[Wire.WireFormat.MaxTopicBytes];
        chars = chars[..System.Text.Encoding.Latin1.GetChars(topic, chars)];
        for (int length = 0; length <= chars.Length; length++)
        {
            if (_lookup.Contains(chars[..length]))
            {
                return true;
            }
        }

        return false;
    }
}
