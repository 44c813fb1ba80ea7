namespace Telemetry;

/// <summary>Why a received message was rejected.</summary>
internal enum DecodeError
{
    /// <summary>The message was accepted.</summary>
    None = 0,

    /// <summary>The message did not have exactly two frames.</summary>
    WrongFrameCount,

    /// <summary>The topic frame was empty, too long or not UTF-8.</summary>
    BadTopic,

    /// <summary>The batch frame was not a MessagePack array of seven elements.</summary>
    BadEnvelope,

    /// <summary>The envelope's version is not one this SDK reads.</summary>
    UnsupportedVersion,

    /// <summary>An envelope field had the wrong type or an out-of-range value.</summary>
    BadField,

    /// <summary>The frame ended before the envelope or its records did.</summary>
    Truncated,

    /// <summary>A record inside the batch could not be decoded.</summary>
    BadRecord,
}
