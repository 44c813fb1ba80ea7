using System.Text.Unicode;

namespace Telemetry.Wire;

/// <summary>
/// The one check every receiving node (subscriber, relay, snapshot answers, and through the
/// subscriber the sink and the dashboard) runs on a message before any per-frame work: the topic is
/// 1 to <see cref="WireFormat.MaxTopicBytes"/> bytes of valid UTF-8 and the batch's envelope is
/// well formed (<see cref="EnvelopeReader"/>). Nothing is sized from a wire value before this says
/// yes, so a hostile peer can cost a counted drop, never a crash or an allocation.
/// </summary>
internal static class InboundValidator
{
    /// <summary>Room a caller provides for the decoded topic: UTF-8 never decodes to more UTF-16 chars than it has bytes.</summary>
    public const int MaxTopicChars = WireFormat.MaxTopicBytes;

    /// <summary>Validates one topic frame and batch frame.</summary>
    /// <param name="topicUtf8">Frame 0.</param>
    /// <param name="body">Frame 1, the batch.</param>
    /// <param name="topicChars">At least <see cref="MaxTopicChars"/> chars; receives the topic.</param>
    /// <param name="topicLength">Chars of <paramref name="topicChars"/> written.</param>
    /// <param name="envelope">The parsed envelope.</param>
    public static DecodeError Validate(ReadOnlySpan<byte> topicUtf8, ReadOnlyMemory<byte> body, Span<char> topicChars, out int topicLength, out Envelope envelope)
    {
        envelope = default;
        topicLength = 0;
        var error = ValidateTopic(topicUtf8, topicChars, out topicLength);
        return error != DecodeError.None ? error : EnvelopeReader.TryRead(body, out envelope);
    }

    /// <summary>Validates a topic frame alone and decodes it into <paramref name="topicChars"/>.</summary>
    public static DecodeError ValidateTopic(ReadOnlySpan<byte> topicUtf8, Span<char> topicChars, out int topicLength)
    {
        topicLength = 0;
        if (topicUtf8.Length is 0 or > WireFormat.MaxTopicBytes || topicChars.Length < topicUtf8.Length)
        {
            return DecodeError.BadTopic;
        }

        return Utf8.ToUtf16(topicUtf8, topicChars, out _, out topicLength, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done
            ? DecodeError.None
            : DecodeError.BadTopic;
    }
}
