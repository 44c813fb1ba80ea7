using NetMQ;

namespace Telemetry.Wire;

/// <summary>
/// Reads one Telemetry message (exactly two frames: topic, batch) off a socket, for every node that
/// receives batches. A message with one frame or more than two is read to its end, so the next
/// message starts clean, and reported as <see cref="DecodeError.WrongFrameCount"/>.
/// </summary>
internal static class MessageFrames
{
    // The frames of one message arrive together; a missing next frame means a broken peer, not a wait.
    private static readonly TimeSpan NextFrameTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Receives the next message if one is waiting.</summary>
    /// <returns>False when no message was waiting; otherwise true, with <paramref name="error"/> saying whether it has the right frames.</returns>
    public static bool TryReceive(NetMQSocket socket, ref Msg topic, ref Msg body, out DecodeError error)
    {
        error = DecodeError.None;
        if (!socket.TryReceive(ref topic, TimeSpan.Zero))
        {
            return false;
        }

        if (!topic.HasMore || !socket.TryReceive(ref body, NextFrameTimeout))
        {
            error = DecodeError.WrongFrameCount;
            return true;
        }

        if (body.HasMore)
        {
            while (body.HasMore && socket.TryReceive(ref body, NextFrameTimeout))
            {
            }

            error = DecodeError.WrongFrameCount;
        }

        return true;
    }
}
