using System.Buffers.Binary;

namespace Telemetry.Transport.Pgm;

/// <summary>
/// Packs whole messages into TSDUs the way libzmq's PGM sender does: each TSDU starts with the
/// 2-byte offset (counted from the end of those two bytes) of the first message that begins in it (0xFFFF when a message only continues
/// through it), followed by ZMTP 1.0 frames that may run on into the next TSDUs. Several small
/// messages share a TSDU until <see cref="Flush"/>, so one packet carries many batches under load.
/// </summary>
internal sealed class ApduWriter
{
    private const ushort NoMessageStart = 0xFFFF;
    private readonly byte[] _tsdu;
    private readonly Action<ReadOnlyMemory<byte>> _emit;
    private int _used;
    private bool _hasStart;

    /// <param name="maxTsdu">Payload bytes of one data packet.</param>
    /// <param name="emit">Receives each full TSDU; the memory is reused after it returns.</param>
    public ApduWriter(int maxTsdu, Action<ReadOnlyMemory<byte>> emit)
    {
        if (maxTsdu < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTsdu), "A TSDU needs room for the offset and a frame prefix.");
        }

        _tsdu = new byte[maxTsdu];
        _emit = emit;
        _used = 2;
    }

    /// <summary>True when part of a TSDU is waiting for <see cref="Flush"/>.</summary>
    public bool HasPending => _used > 2;

    /// <summary>Appends one message of one or more frames.</summary>
    public void WriteMessage(ReadOnlySpan<byte> frame0, ReadOnlySpan<byte> frame1a, ReadOnlySpan<byte> frame1b)
    {
        // Start the message in a fresh TSDU when the current one cannot even hold its first prefix,
        // so that a message start is never split across the offset boundary.
        if (_tsdu.Length - _used < 10)
        {
            Flush();
        }

        if (!_hasStart)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_tsdu, (ushort)(_used - 2));
            _hasStart = true;
        }

        WriteFrame(frame0, default, more: true);
        WriteFrame(frame1a, frame1b, more: false);
    }

    /// <summary>Emits the partly filled TSDU, if any.</summary>
    public void Flush()
    {
        if (_used <= 2)
        {
            return;
        }

        if (!_hasStart)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_tsdu, NoMessageStart);
        }

        _emit(_tsdu.AsMemory(0, _used));
        _used = 2;
        _hasStart = false;
    }

    private void WriteFrame(ReadOnlySpan<byte> part1, ReadOnlySpan<byte> part2, bool more)
    {
        int body = part1.Length + part2.Length;
        Span<byte> prefix = stackalloc byte[10];
        int prefixLength = ZmtpV1.WritePrefix(prefix, body, more);
        Append(prefix[..prefixLength]);
        Append(part1);
        Append(part2);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_used == _tsdu.Length)
            {
                Flush();
            }

            int n = Math.Min(bytes.Length, _tsdu.Length - _used);
            bytes[..n].CopyTo(_tsdu.AsSpan(_used));
            _used += n;
            bytes = bytes[n..];
        }
    }
}
