using System.Collections.Concurrent;
using System.Text;
using Telemetry.Wire;

namespace Telemetry;

/// <summary>
/// The topics of one publisher: handles are created once, on any thread, and each gets the next
/// index (its slot in the last-value store). The sender and the snapshot source read them.
/// </summary>
internal sealed class TopicRegistry(object owner, string defaultKind)
{
    private readonly ConcurrentDictionary<string, PublisherTopic> _topics = new(StringComparer.Ordinal);
    private int _count;

    public ICollection<PublisherTopic> All => _topics.Values;

    /// <summary>The handle of <paramref name="topic"/>, created on first use.</summary>
    /// <exception cref="ArgumentException">The topic or kind is invalid, or the topic already publishes another kind.</exception>
    public PublisherTopic Get(string topic, string? kind)
    {
        if (_topics.TryGetValue(topic ?? string.Empty, out var existing) && (kind is null || kind == existing.Kind))
        {
            return existing;
        }

        PublisherTopic.Validate(topic!);
        kind ??= defaultKind;
        if (kind.Length == 0 || Encoding.UTF8.GetByteCount(kind) > WireFormat.MaxKindBytes)
        {
            throw new ArgumentException($"Kind must be 1 to {WireFormat.MaxKindBytes} UTF-8 bytes.", nameof(kind));
        }

        var created = _topics.GetOrAdd(topic!, static (name, state) => new PublisherTopic(state.Registry.Owner, Interlocked.Increment(ref state.Registry._count) - 1, name, state.Kind), (Registry: this, Kind: kind));
        return created.Kind == kind
            ? created
            : throw new ArgumentException($"Topic '{topic}' already publishes kind '{created.Kind}'.", nameof(kind));
    }

    private object Owner => owner;
}
