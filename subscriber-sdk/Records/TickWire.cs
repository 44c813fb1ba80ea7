using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Telemetry;

/// <summary>
/// The tick's hot path: MessagePack written and read straight on spans, byte for byte what
/// MessagePackWriter would write (smallest integer format). MessagePackReader and Writer cost more
/// than the record itself at millions of ticks per second; this path skips their per-call checks.
/// Anything unusual (extra fields, other integer widths than expected) falls back to the reader.
/// </summary>
internal static class TickWire
{
    /// <summary>
    /// Array header + 5 int64 (9 bytes each) + 2 scales (2 each) + flags (5) + 2 sizes (9 each) +
    /// venue (fixstr header and 8 bytes) + status (2): the most a tick can take.
    /// </summary>
    public const int MaxSize = 1 + (5 * 9) + (2 * 2) + 5 + (2 * 9) + (1 + Venue.MaxLength) + 2;

    /// <summary>A tick as written before bid size, ask size, venue and status existed: still read on the fast path.</summary>
    private const byte FixArray8 = 0x98;

    /// <summary>A tick as written now: twelve fields.</summary>
    private const byte FixArray12 = 0x9c;

    private const byte Nil = 0xc0;
    private const byte FixStr = 0xa0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> span, in Tick tick)
    {
        span[0] = FixArray12;
        int n = 1;
        n += WriteInt64(span[n..], tick.ExchangeTimeNs);
        n += WriteInt64(span[n..], tick.Price);
        n += WriteInt64(span[n..], tick.Bid);
        n += WriteInt64(span[n..], tick.Ask);
        n += WriteInt64(span[n..], tick.Size);
        n += WriteUInt64(span[n..], tick.PriceScale);
        n += WriteUInt64(span[n..], tick.SizeScale);
        n += WriteUInt64(span[n..], (uint)tick.Flags);
        n += WriteSize(span[n..], tick.BidSize);
        n += WriteSize(span[n..], tick.AskSize);
        span[n] = (byte)(FixStr | tick.Venue.CopyTo(span[(n + 1)..]));
        n += 1 + tick.Venue.Length;
        n += WriteUInt64(span[n..], (byte)tick.Status);
        return n;
    }

    /// <summary>
    /// Reads one tick of exactly eight (an older writer's) or twelve fields in the forms this writer
    /// uses; false (nothing consumed) for anything else, so the caller can fall back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRead(ReadOnlySpan<byte> span, ref int offset, out Tick tick)
    {
        tick = default;
        int p = offset;
        if ((uint)p >= (uint)span.Length || (span[p] != FixArray12 && span[p] != FixArray8))
        {
            return false;
        }

        bool later = span[p] == FixArray12;

        p++;
        if (!TryReadInt64(span, ref p, out long ts) || !TryReadInt64(span, ref p, out long price) || !TryReadInt64(span, ref p, out long bid)
            || !TryReadInt64(span, ref p, out long ask) || !TryReadInt64(span, ref p, out long size)
            || !TryReadInt64(span, ref p, out long priceScale) || !TryReadInt64(span, ref p, out long sizeScale)
            || !TryReadInt64(span, ref p, out long flags)
            || (ulong)priceScale > Decimal64.MaxScale || (ulong)sizeScale > Decimal64.MaxScale || (ulong)flags > uint.MaxValue)
        {
            return false;
        }

        tick = new Tick(ts, price, bid, ask, size, (byte)priceScale, (byte)sizeScale, (TickFlags)flags);
        if (later)
        {
            if (!TryReadSize(span, ref p, out long? bidSize) || !TryReadSize(span, ref p, out long? askSize)
                || !TryReadVenue(span, ref p, out var venue)
                || !TryReadInt64(span, ref p, out long status) || (ulong)status > byte.MaxValue)
            {
                return false;
            }

            tick = tick with { BidSize = bidSize, AskSize = askSize, Venue = venue, Status = (TradingStatus)status };
        }

        offset = p;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteSize(Span<byte> span, long? size)
    {
        if (size is { } value)
        {
            return WriteInt64(span, value);
        }

        span[0] = Nil;
        return 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadSize(ReadOnlySpan<byte> span, ref int p, out long? size)
    {
        size = null;
        if ((uint)p < (uint)span.Length && span[p] == Nil)
        {
            p++;
            return true;
        }

        if (!TryReadInt64(span, ref p, out long value))
        {
            return false;
        }

        size = value;
        return true;
    }

    /// <summary>A fixstr venue; false for any other string form (the reader's path takes those) or a code the format forbids.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadVenue(ReadOnlySpan<byte> span, ref int p, out Venue venue)
    {
        venue = default;
        if ((uint)p >= (uint)span.Length || (span[p] & 0xe0) != FixStr)
        {
            return false;
        }

        int length = span[p] & 0x1f;
        if (p + 1 + length > span.Length || !Venue.TryFromBytes(span.Slice(p + 1, length), out venue))
        {
            return false;
        }

        p += 1 + length;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteInt64(Span<byte> span, long value)
    {
        if (value >= 0)
        {
            return WriteUInt64(span, (ulong)value);
        }

        if (value >= -32)
        {
            span[0] = unchecked((byte)value); // negative fixint
            return 1;
        }

        if (value >= sbyte.MinValue)
        {
            span[0] = 0xd0;
            span[1] = unchecked((byte)value);
            return 2;
        }

        if (value >= short.MinValue)
        {
            span[0] = 0xd1;
            BinaryPrimitives.WriteInt16BigEndian(span[1..], (short)value);
            return 3;
        }

        if (value >= int.MinValue)
        {
            span[0] = 0xd2;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], (int)value);
            return 5;
        }

        span[0] = 0xd3;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
        return 9;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteUInt64(Span<byte> span, ulong value)
    {
        if (value <= 0x7f)
        {
            span[0] = (byte)value; // positive fixint
            return 1;
        }

        if (value <= byte.MaxValue)
        {
            span[0] = 0xcc;
            span[1] = (byte)value;
            return 2;
        }

        if (value <= ushort.MaxValue)
        {
            span[0] = 0xcd;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
            return 3;
        }

        if (value <= uint.MaxValue)
        {
            span[0] = 0xce;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
            return 5;
        }

        span[0] = 0xcf;
        BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
        return 9;
    }

    /// <summary>Any MessagePack integer that fits an int64; false for other types or a uint64 above long.MaxValue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadInt64(ReadOnlySpan<byte> span, ref int p, out long value)
    {
        value = 0;
        if ((uint)p >= (uint)span.Length)
        {
            return false;
        }

        byte code = span[p];
        if (code <= 0x7f)
        {
            value = code; // positive fixint
            p++;
            return true;
        }

        if (code >= 0xe0)
        {
            value = unchecked((sbyte)code); // negative fixint
            p++;
            return true;
        }

        int width = code switch
        {
            0xcc or 0xd0 => 1,
            0xcd or 0xd1 => 2,
            0xce or 0xd2 => 4,
            0xcf or 0xd3 => 8,
            _ => 0,
        };
        if (width == 0 || p + 1 + width > span.Length)
        {
            return false;
        }

        var body = span.Slice(p + 1, width);
        switch (code)
        {
            case 0xcc: value = body[0]; break;
            case 0xcd: value = BinaryPrimitives.ReadUInt16BigEndian(body); break;
            case 0xce: value = BinaryPrimitives.ReadUInt32BigEndian(body); break;
            case 0xcf:
                ulong u = BinaryPrimitives.ReadUInt64BigEndian(body);
                if (u > long.MaxValue)
                {
                    return false;
                }

                value = (long)u;
                break;
            case 0xd0: value = unchecked((sbyte)body[0]); break;
            case 0xd1: value = BinaryPrimitives.ReadInt16BigEndian(body); break;
            case 0xd2: value = BinaryPrimitives.ReadInt32BigEndian(body); break;
            default: value = BinaryPrimitives.ReadInt64BigEndian(body); break;
        }

        p += 1 + width;
        return true;
    }
}
