namespace Telemetry;

/// <summary>
/// A record inside a received batch could not be decoded. Its own type (not the codec's exception)
/// lets the subscriber count it as malformed input while an application's own exceptions of the same
/// codec types still count as handler errors.
/// </summary>
internal sealed class RecordDecodeException(string kind, Exception inner)
    : FormatException($"A '{kind}' record in the batch is malformed: {inner.Message}", inner);
