namespace Telemetry.Relay;

/// <summary>
/// The prefixes this relay subscribes upstream on behalf of its downstream: a prefix goes up with
/// its first holder and is withdrawn with its last. Prefixes the relay pins for itself (an epgm
/// output wants everything) are never withdrawn by a downstream unsubscribe.
/// </summary>
internal sealed class HeldSubscriptions
{
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pinned = new(StringComparer.Ordinal);

    public int Count => _held.Count;

    /// <summary>Every prefix held, to replay to an upstream that connects.</summary>
    public IEnumerable<string> All => _held;

    /// <summary>Applies a downstream change; true when it must go upstream.</summary>
    public bool Apply(bool subscribe, string prefix) =>
        subscribe ? _held.Add(prefix) : !_pinned.Contains(prefix) && _held.Remove(prefix);

    /// <summary>Holds <paramref name="prefix"/> for the relay itself, whatever downstream does.</summary>
    public bool Pin(string prefix)
    {
        _pinned.Add(prefix);
        return _held.Add(prefix);
    }
}
