using System.Buffers;
using System.Globalization;
using System.Text;
using Telemetry.Cli.Terminal;

namespace Telemetry.Cli.Output;

/// <summary>
/// The human format of <c>sub</c>: one line per record, e.g.
/// <c>md.SIM.AAPL #123 tick price=101.25 bid=101.24 ask=101.26 size=100</c>.
/// </summary>
internal sealed class TextRecordFormatter : BatchFormatter
{
    private readonly StringBuilder _line = new(256);

    // Stateful, so a surrogate pair split between two StringBuilder chunks still encodes correctly.
    private readonly Encoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();

    /// <inheritdoc />
    protected override void WriteTick(in BatchHeader header, ulong sequence, in Tick tick, IBufferWriter<byte> output)
    {
        var line = Begin(header, sequence)
            .Append(CultureInfo.InvariantCulture, $" price={tick.PriceValue} bid={tick.BidValue} ask={tick.AskValue} size={tick.SizeValue}");
        if (tick.BidSizeValue is { } bidSize)
        {
            line.Append(CultureInfo.InvariantCulture, $" bid_size={bidSize}");
        }

        if (tick.AskSizeValue is { } askSize)
        {
            line.Append(CultureInfo.InvariantCulture, $" ask_size={askSize}");
        }

        if (!tick.Venue.IsUnknown)
        {
            line.Append(" venue=").Append(tick.Venue.ToString());
        }

        if (tick.Status != TradingStatus.Unknown)
        {
            line.Append(" status=").Append(tick.Status.ToString());
        }

        if (tick.Flags != TickFlags.None)
        {
            line.Append(" flags=").Append(tick.Flags.ToString().Replace(", ", "|", StringComparison.Ordinal));
        }

        End(output);
    }

    /// <inheritdoc />
    protected override void WriteLog(in BatchHeader header, ulong sequence, LogRecord log, IBufferWriter<byte> output)
    {
        var line = Begin(header, sequence).Append(' ').Append(log.Level.ToString()).Append(' ');
        TerminalText.AppendEscaped(line, log.Category).Append(": ");
        TerminalText.AppendEscaped(line, log.Message);
        if (log.Exception is not null)
        {
            TerminalText.AppendEscaped(line.Append(" exception="), log.Exception);
        }

        AppendMap(line, log.Properties, " ", " ");
        End(output);
    }

    /// <inheritdoc />
    protected override void WriteMetric(in BatchHeader header, ulong sequence, in MetricSample sample, IBufferWriter<byte> output)
    {
        var line = Begin(header, sequence).Append(' ');
        TerminalText.AppendEscaped(line, sample.Name);
        if (sample.Labels is { Count: > 0 })
        {
            line.Append('{');
            AppendMap(line, sample.Labels, string.Empty, ",");
            line.Append('}');
        }

        line.Append(CultureInfo.InvariantCulture, $" value={sample.Value:R}");
        if (sample.Unit is not null)
        {
            TerminalText.AppendEscaped(line.Append(' '), sample.Unit);
        }

        if (sample.Type != MetricType.Unknown)
        {
            line.Append(" (").Append(sample.Type.ToString().ToLowerInvariant()).Append(')');
        }

        End(output);
    }

    /// <inheritdoc />
    protected override void WriteGeneric(in BatchHeader header, ulong sequence, in GenericRecord record, IBufferWriter<byte> output)
    {
        var line = Begin(header, sequence).Append(' ');
        if (record.Json is not null)
        {
            line.Append(Encoding.UTF8.GetString(record.Json));
        }
        else
        {
            line.Append('<').Append(record.Error).Append('>');
            if (record.RawBase64 is not null)
            {
                line.Append(" msgpack=").Append(record.RawBase64);
            }
        }

        End(output);
    }

    private static void AppendMap(StringBuilder line, IReadOnlyDictionary<string, string>? map, string before, string between)
    {
        if (map is null)
        {
            return;
        }

        bool first = true;
        foreach (var (key, value) in map)
        {
            line.Append(first ? before : between);
            first = false;
            TerminalText.AppendEscaped(line, key).Append('=');
            TerminalText.AppendEscaped(line, value);
        }
    }

    private StringBuilder Begin(in BatchHeader header, ulong sequence)
    {
        _line.Clear();
        TerminalText.AppendEscaped(_line, header.Topic).Append(CultureInfo.InvariantCulture, $" #{sequence} ");
        return TerminalText.AppendEscaped(_line, header.Kind);
    }

    private void End(IBufferWriter<byte> output)
    {
        _line.Append('\n');
        foreach (var chunk in _line.GetChunks())
        {
            _utf8.Convert(chunk.Span, output, flush: false, out _, out _);
        }

        _utf8.Convert(ReadOnlySpan<char>.Empty, output, flush: true, out _, out _);
    }
}
