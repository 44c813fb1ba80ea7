using System.Collections.Concurrent;

namespace Telemetry.Dashboard.Feed;

/// <summary>Every topic and publisher seen, created by the receive thread, read by the push loop and new pages.</summary>
internal sealed class TopicBoard
{
    private readonly ConcurrentDictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PublisherState> _publishers = new(StringComparer.Ordinal);

    public ICollection<TopicState> Topics => _topics.Values;

    public ICollection<PublisherState> Publishers => _publishers.Values;

    public int TopicCount => _topics.Count;

    /// <summary>The topic's state; a lookup without allocation once the topic is known.</summary>
    public TopicState Topic(string topic, string kind) =>
        _topics.TryGetValue(topic, out var state) ? state : _topics.GetOrAdd(topic, static (t, k) => new TopicState(t, k), kind);

    public TopicState? Find(string topic) => _topics.GetValueOrDefault(topic);

    public PublisherState Publisher(string name) =>
        _publishers.TryGetValue(name, out var state) ? state : _publishers.GetOrAdd(name, static n => new PublisherState(n));
}
