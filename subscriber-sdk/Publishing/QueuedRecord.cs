namespace Telemetry;

/// <summary>A record waiting in the publisher's queue, with the topic it goes to.</summary>
// Fields, not properties: the sender passes Record by reference into the codec.
internal struct QueuedRecord<T>(PublisherTopic topic, T record)
{
    public PublisherTopic Topic = topic;
    public T Record = record;
}
