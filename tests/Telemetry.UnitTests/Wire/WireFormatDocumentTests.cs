using System.Buffers;
using System.Globalization;
using System.Text;
using MessagePack;
using Telemetry.Tests.Infrastructure;
using Telemetry.Wire;

namespace Telemetry.Tests.Wire;

/// <summary>The example in docs/wire-format.md is what the SDK puts on the wire, so the document cannot drift.</summary>
public class WireFormatDocumentTests
{
    private const ulong Session = 0x9E3779B97F4A7C15;
    private const long SentNs = 1_767_225_600_000_250_000;
    private const long ExchangeNs = 1_767_225_600_000_000_000;

    private static readonly Tick[] ExampleTicks =
    [
        new(ExchangeNs, 1_897_500, 1_897_400, 1_897_600, 100, 4, 0, TickFlags.Trade, 500, 300, new Venue("XNAS"), TradingStatus.Trading),
        new(ExchangeNs + 125_000, 1_897_500, 1_897_450, 1_897_550, 25, 4, 1, TickFlags.Quote | TickFlags.Simulated, 125, 30, new Venue("XNAS"), TradingStatus.Auction),
    ];

    [Fact]
    public void The_documented_topic_frame_is_the_topic_in_UTF8()
    {
        Assert.Equal(Encoding.UTF8.GetBytes("md.SIM.AAPL"), DocumentedBytes("frame0"));
    }

    [Fact]
    public void The_SDK_encoder_produces_the_documented_batch_byte_for_byte()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        EnvelopeWriter.WriteHeader(ref writer, "sim-1"u8, Session, 42, SentNs, "tick"u8, ExampleTicks.Length);
        foreach (var tick in ExampleTicks)
        {
            Tick.Write(ref writer, tick);
        }

        writer.Flush();
        Assert.Equal(Hex(DocumentedBytes("frame1")), Hex(buffer.WrittenSpan.ToArray()));
    }

    [Fact]
    public void The_documented_batch_decodes_to_the_values_the_document_states()
    {
        byte[] frame = DocumentedBytes("frame1");
        Assert.Equal(DecodeError.None, EnvelopeReader.TryRead(frame, out var envelope));
        Assert.Equal("sim-1", Encoding.UTF8.GetString(frame.AsSpan()[envelope.Publisher]));
        Assert.Equal("tick", Encoding.UTF8.GetString(frame.AsSpan()[envelope.Kind]));
        Assert.Equal((Session, 42UL, SentNs, 2), (envelope.Session, envelope.FirstSequence, envelope.SentUnixNs, envelope.Count));

        var reader = new MessagePackReader(frame.AsMemory(envelope.RecordsOffset));
        var trade = Tick.Read(ref reader);
        var quote = Tick.Read(ref reader);
        Assert.Equal((189.7500m, 189.7400m, 189.7600m, 100m), (trade.PriceValue, trade.BidValue, trade.AskValue, trade.SizeValue));
        Assert.Equal((189.7450m, 189.7550m, 2.5m), (quote.BidValue, quote.AskValue, quote.SizeValue));
        Assert.Equal(TickFlags.Trade, trade.Flags);
        Assert.Equal(TickFlags.Quote | TickFlags.Simulated, quote.Flags);
        Assert.Equal((500m, 300m, "XNAS", TradingStatus.Trading), (trade.BidSizeValue, trade.AskSizeValue, trade.Venue.ToString(), trade.Status));
        Assert.Equal((12.5m, 3.0m, TradingStatus.Auction), (quote.BidSizeValue, quote.AskSizeValue, quote.Status));
        Assert.True(reader.End);
    }

    /// <summary>The hex bytes left of '|' on the lines between the document's marker comments.</summary>
    private static byte[] DocumentedBytes(string block)
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "wire-format.md"));
        int begin = Array.IndexOf(lines, $"<!-- wire-example:{block}:begin -->");
        int end = Array.IndexOf(lines, $"<!-- wire-example:{block}:end -->");
        Assert.True(begin >= 0 && end > begin, $"Markers of '{block}' not found in docs/wire-format.md.");
        return
        [
            .. lines[(begin + 1)..end]
                .Where(line => line.Contains('|', StringComparison.Ordinal))
                .SelectMany(line => line[..line.IndexOf('|', StringComparison.Ordinal)].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(token => byte.Parse(token, NumberStyles.HexNumber, CultureInfo.InvariantCulture)),
        ];
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
