using FsCheck.Xunit;

namespace Telemetry.Tests.Codec;

public class Decimal64Tests
{
    [Theory]
    [InlineData("101.25", 2, 10125)]
    [InlineData("0.00000001", 8, 1)]
    [InlineData("-3.5", 1, -35)]
    [InlineData("42", 0, 42)]
    public void Decimals_map_to_exact_mantissas(string text, byte scale, long mantissa)
    {
        decimal value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(scale, Decimal64.ScaleOf(value));
        Assert.Equal(mantissa, Decimal64.ToMantissa(value, scale));
        Assert.Equal(value, Decimal64.ToDecimal(mantissa, scale));
    }

    [Fact]
    public void Trailing_zeros_do_not_widen_the_scale()
    {
        Assert.Equal(1, Decimal64.ScaleOf(101.50m));
    }

    [Fact]
    public void A_value_with_more_places_than_the_scale_is_refused_not_rounded()
    {
        Assert.Throws<ArgumentException>(() => Decimal64.ToMantissa(1.005m, 2));
    }

    [Property]
    public void Mantissa_and_scale_round_trip_through_decimal(long mantissa, byte scale)
    {
        byte s = (byte)(scale % 19);
        decimal value = Decimal64.ToDecimal(mantissa, s);
        Assert.Equal(mantissa, Decimal64.ToMantissa(value, s));
    }

    [Fact]
    public void Tick_from_decimals_shares_the_price_scale()
    {
        var tick = Tick.FromDecimal(1, 101.25m, 101.2m, 101.3m, 0.5m, TickFlags.Quote);
        Assert.Equal(2, tick.PriceScale);
        Assert.Equal(10125, tick.Price);
        Assert.Equal(10120, tick.Bid);
        Assert.Equal(101.3m, tick.AskValue);
        Assert.Equal(0.5m, tick.SizeValue);
    }
}
