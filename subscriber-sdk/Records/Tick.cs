using MessagePack;

namespace Telemetry;

/// <summary>
/// A market-data tick. Prices are exact decimals: mantissas scaled by <see cref="PriceScale"/>
/// (shared by price, bid and ask, as an instrument's tick size is), sizes by <see cref="SizeScale"/>.
/// Wire form: <c>[exchange_ts_ns, price, bid, ask, size, price_scale, size_scale, flags, bid_size,
/// ask_size, venue, status]</c>; the last four came later in wire format v1, so a tick from an older
/// publisher reads with them unknown (null sizes, <see cref="Venue.IsUnknown"/>, <see cref="TradingStatus.Unknown"/>).
/// </summary>
/// <param name="ExchangeTimeNs">Exchange timestamp, Unix time in nanoseconds.</param>
/// <param name="Price">Last price mantissa.</param>
/// <param name="Bid">Best bid mantissa.</param>
/// <param name="Ask">Best ask mantissa.</param>
/// <param name="Size">Size mantissa.</param>
/// <param name="PriceScale">Decimal places of <paramref name="Price"/>, <paramref name="Bid"/> and <paramref name="Ask"/>.</param>
/// <param name="SizeScale">Decimal places of <paramref name="Size"/>.</param>
/// <param name="Flags">Tick flags.</param>
/// <param name="BidSize">Size mantissa at the best bid (scale <paramref name="SizeScale"/>), or null when not reported.</param>
/// <param name="AskSize">Size mantissa at the best ask (scale <paramref name="SizeScale"/>), or null when not reported.</param>
/// <param name="Venue">Where the tick was made; <c>default</c> when not reported.</param>
/// <param name="Status">The instrument's trading status; <see cref="TradingStatus.Unknown"/> when not reported.</param>
public readonly record struct Tick(
    long ExchangeTimeNs,
    long Price,
    long Bid,
    long Ask,
    long Size,
    byte PriceScale,
    byte SizeScale,
    TickFlags Flags,
    long? BidSize = null,
    long? AskSize = null,
    Venue Venue = default,
    TradingStatus Status = TradingStatus.Unknown) : IRecord<Tick>
{
    /// <summary>The fields of a tick before bid size, ask size, venue and status were added.</summary>
    private const int FirstFieldCount = 8;

    /// <inheritdoc />
    public static string Kind => "tick";

    /// <summary>The last price as a decimal.</summary>
    public decimal PriceValue => Decimal64.ToDecimal(Price, PriceScale);

    /// <summary>The bid as a decimal.</summary>
    public decimal BidValue => Decimal64.ToDecimal(Bid, PriceScale);

    /// <summary>The ask as a decimal.</summary>
    public decimal AskValue => Decimal64.ToDecimal(Ask, PriceScale);

    /// <summary>The size as a decimal.</summary>
    public decimal SizeValue => Decimal64.ToDecimal(Size, SizeScale);

    /// <summary>The size at the best bid as a decimal, or null when not reported.</summary>
    public decimal? BidSizeValue => BidSize is { } size ? Decimal64.ToDecimal(size, SizeScale) : null;

    /// <summary>The size at the best ask as a decimal, or null when not reported.</summary>
    public decimal? AskSizeValue => AskSize is { } size ? Decimal64.ToDecimal(size, SizeScale) : null;

    /// <summary>Builds a tick from decimals, choosing the smallest scales that represent them exactly.</summary>
    public static Tick FromDecimal(
        long exchangeTimeNs,
        decimal price,
        decimal bid,
        decimal ask,
        decimal size,
        TickFlags flags,
        decimal? bidSize = null,
        decimal? askSize = null,
        Venue venue = default,
        TradingStatus status = TradingStatus.Unknown)
    {
        byte priceScale = Math.Max(Decimal64.ScaleOf(price), Math.Max(Decimal64.ScaleOf(bid), Decimal64.ScaleOf(ask)));
        byte sizeScale = Math.Max(Decimal64.ScaleOf(size), Math.Max(ScaleOf(bidSize), ScaleOf(askSize)));
        return AtScales(exchangeTimeNs, price, bid, ask, size, priceScale, sizeScale, flags, bidSize, askSize, venue, status);

        static byte ScaleOf(decimal? value) => value is { } v ? Decimal64.ScaleOf(v) : (byte)0;
    }

    /// <summary>
    /// A tick from decimals at the given scales (price, bid and ask share one; the sizes another);
    /// throws if a value does not fit its scale exactly. The CLI keeps the scales as written.
    /// </summary>
    internal static Tick AtScales(
        long exchangeTimeNs,
        decimal price,
        decimal bid,
        decimal ask,
        decimal size,
        byte priceScale,
        byte sizeScale,
        TickFlags flags,
        decimal? bidSize,
        decimal? askSize,
        Venue venue,
        TradingStatus status) => new(
            exchangeTimeNs,
            Decimal64.ToMantissa(price, priceScale),
            Decimal64.ToMantissa(bid, priceScale),
            Decimal64.ToMantissa(ask, priceScale),
            Decimal64.ToMantissa(size, sizeScale),
            priceScale,
            sizeScale,
            flags,
            bidSize is { } b ? Decimal64.ToMantissa(b, sizeScale) : null,
            askSize is { } a ? Decimal64.ToMantissa(a, sizeScale) : null,
            venue,
            status);

    /// <inheritdoc />
    public static void Write(ref MessagePackWriter writer, in Tick record)
    {
        // Same bytes as the writer's own Write calls would produce, in one span (TickWire).
        writer.Advance(TickWire.Write(writer.GetSpan(TickWire.MaxSize), record));
    }

    /// <summary>The decode fast path: a tick written by <see cref="Write"/> is read straight from the span.</summary>
    public static bool TryRead(ReadOnlySpan<byte> records, ref int offset, out Tick record) => TickWire.TryRead(records, ref offset, out record);

    /// <inheritdoc />
    public static Tick Read(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        if (count < FirstFieldCount)
        {
            throw new MessagePackSerializationException($"A tick has at least {FirstFieldCount} fields, got {count}.");
        }

        var tick = new Tick(
            reader.ReadInt64(),
            reader.ReadInt64(),
            reader.ReadInt64(),
            reader.ReadInt64(),
            reader.ReadInt64(),
            ReadScale(ref reader),
            ReadScale(ref reader),
            (TickFlags)reader.ReadUInt32());

        // The fields added later, each read only if the writer sent it: an older tick ends early.
        int field = FirstFieldCount;
        if (field++ < count)
        {
            tick = tick with { BidSize = ReadSize(ref reader) };
        }

        if (field++ < count)
        {
            tick = tick with { AskSize = ReadSize(ref reader) };
        }

        if (field++ < count)
        {
            tick = tick with { Venue = ReadVenue(ref reader) };
        }

        if (field++ < count)
        {
            tick = tick with { Status = (TradingStatus)reader.ReadByte() };
        }

        // Fields appended by a later minor revision are skipped, not rejected.
        for (; field < count; field++)
        {
            Wire.BoundedSkip.Skip(ref reader);
        }

        return tick;
    }

    private static long? ReadSize(ref MessagePackReader reader) => reader.TryReadNil() ? null : reader.ReadInt64();

    private static Venue ReadVenue(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            throw new MessagePackSerializationException($"A tick's venue is a string, got {reader.NextMessagePackType}.");
        }

        var bytes = reader.ReadStringSequence() ?? default;
        Span<byte> code = stackalloc byte[Venue.MaxLength];
        return bytes.Length <= Venue.MaxLength && Venue.TryFromBytes(Copy(bytes, code), out var venue)
            ? venue
            : throw new MessagePackSerializationException($"A tick's venue is 0 to {Venue.MaxLength} printable ASCII bytes without spaces ({bytes.Length} bytes given).");

        static ReadOnlySpan<byte> Copy(System.Buffers.ReadOnlySequence<byte> bytes, Span<byte> code)
        {
            System.Buffers.BuffersExtensions.CopyTo(bytes, code);
            return code[..(int)bytes.Length];
        }
    }

    private static byte ReadScale(ref MessagePackReader reader)
    {
        byte scale = reader.ReadByte();
        return scale > Decimal64.MaxScale
            ? throw new MessagePackSerializationException($"Scale {scale} exceeds {Decimal64.MaxScale}.")
            : scale;
    }
}
