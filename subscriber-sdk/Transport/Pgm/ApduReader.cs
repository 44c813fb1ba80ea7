using System.Buffers.Binary;

namespace Telemetry.Transport.Pgm;

/// <summary>Receives each complete message: its bytes and where each frame lies in them. Valid only during the call.</summary>
internal delegate void ApduMessageHandler(ReadOnlySpan<byte> data, ReadOnlySpan<Range> frames);

/// <summary>
/// Reassembles messages from the in-order TSDUs of one source, reading libzmq's framing (see
/// <see cref="ApduWriter"/>). Like libzmq it joins a source at the first TSDU that says where a
/// message starts, and after a loss it drops the partial message and waits for the next start,
/// so a lost packet costs the messages it carried and never corrupts the following ones.
/// </summary>
internal sealed class ApduReader
{
    private const ushort NoMessageStart = 0xFFFF;
    private readonly ApduMessageHandler _handler;
    private readonly long _maxMessageBytes;
    private readonly List<Range> _frames = [];
    private byte[] _data = new byte[4096];
    private int _dataLength;
    private Phase _phase;
    private long _frameRemaining;
    private int _lengthBytesSeen;
    private long _longLength;
    private bool _more;

    public ApduReader(long maxMessageBytes, ApduMessageHandler handler)
    {
        _maxMessageBytes = maxMessageBytes;
        _handler = handler;
    }

    private enum Phase
    {
        Detached,
        Length,
        LongLength,
        Flags,
        Body,
    }

    /// <summary>Messages delivered.</summary>
    public long Messages { get; private set; }

    /// <summary>Partial messages dropped after a loss, plus malformed framing seen.</summary>
    public long Dropped { get; private set; }

    /// <summary>The next TSDU of the source, in sequence order.</summary>
    public void OnTsdu(ReadOnlySpan<byte> tsdu)
    {
        if (tsdu.Length < 2)
        {
            Lose();
            return;
        }

        int offset = BinaryPrimitives.ReadUInt16BigEndian(tsdu);
        if (offset != NoMessageStart)
        {
            // Counted from the end of the offset field itself.
            offset += 2;
            if (offset > tsdu.Length)
            {
                Lose();
                return;
            }
        }

        if (_phase == Phase.Detached)
        {
            if (offset == NoMessageStart)
            {
                return;
            }

            StartMessage();
            Feed(tsdu[offset..]);
            return;
        }

        if (offset == NoMessageStart)
        {
            Feed(tsdu[2..]);
            return;
        }

        // What precedes the offset must finish the message in progress exactly; if not, the
        // stream and our state disagree, and the offset is the one to trust.
        Feed(tsdu[2..offset]);
        if (_phase != Phase.Length || _frames.Count != 0 || _dataLength != 0)
        {
            Lose();
            StartMessage();
        }

        if (_phase == Phase.Detached)
        {
            StartMessage();
        }

        Feed(tsdu[offset..]);
    }

    /// <summary>Sequence numbers were lost for good: whatever message was in progress is gone.</summary>
    public void OnLoss()
    {
        if (_phase != Phase.Detached && (_phase != Phase.Length || _frames.Count != 0))
        {
            Dropped++;
        }

        _phase = Phase.Detached;
        _frames.Clear();
        _dataLength = 0;
    }

    private void Lose()
    {
        Dropped++;
        _phase = Phase.Detached;
        _frames.Clear();
        _dataLength = 0;
    }

    private void StartMessage()
    {
        _phase = Phase.Length;
        _frames.Clear();
        _dataLength = 0;
    }

    private void Feed(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0 && _phase != Phase.Detached)
        {
            switch (_phase)
            {
                case Phase.Length:
                    byte first = bytes[0];
                    bytes = bytes[1..];
                    if (first == 0xFF)
                    {
                        _phase = Phase.LongLength;
                        _lengthBytesSeen = 0;
                        _longLength = 0;
                    }
                    else
                    {
                        BeginFrame(first);
                    }

                    break;
                case Phase.LongLength:
                    _longLength = (_longLength << 8) | bytes[0];
                    bytes = bytes[1..];
                    if (++_lengthBytesSeen == 8)
                    {
                        BeginFrame(_longLength);
                    }

                    break;
                case Phase.Flags:
                    _more = (bytes[0] & ZmtpV1.More) != 0;
                    bytes = bytes[1..];
                    _phase = Phase.Body;
                    if (_frameRemaining == 0)
                    {
                        EndFrame();
                    }

                    break;
                case Phase.Body:
                    int n = (int)Math.Min(bytes.Length, _frameRemaining);
                    bytes[..n].CopyTo(_data.AsSpan(_dataLength));
                    _dataLength += n;
                    _frameRemaining -= n;
                    bytes = bytes[n..];
                    if (_frameRemaining == 0)
                    {
                        EndFrame();
                    }

                    break;
            }
        }
    }

    private void BeginFrame(long lengthWithFlags)
    {
        // The length counts the flags byte, so zero is impossible; oversize input is hostile or corrupt.
        long body = lengthWithFlags - 1;
        if (body < 0 || _dataLength + body > _maxMessageBytes)
        {
            Lose();
            return;
        }

        if (_dataLength + body > _data.Length)
        {
            Array.Resize(ref _data, (int)Math.Max(_dataLength + body, _data.Length * 2L));
        }

        _frameRemaining = body;
        _frames.Add(new Range(_dataLength, _dataLength + (int)body));
        _phase = Phase.Flags;
    }

    private void EndFrame()
    {
        _phase = Phase.Length;
        if (_more)
        {
            return;
        }

        Messages++;
        _handler(_data.AsSpan(0, _dataLength), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_frames));
        _frames.Clear();
        _dataLength = 0;
    }
}
