using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MessagePack;

namespace Telemetry.Cli.Output;

/// <summary>One record of an unknown kind as JSON, or why it could not be shown as JSON.</summary>
/// <param name="Json">Valid UTF-8 JSON for the record, or null.</param>
/// <param name="RawBase64">The record's MessagePack bytes in base64 when they were read but have no JSON form (NaN, odd keys).</param>
/// <param name="Error">Why <paramref name="Json"/> is null.</param>
internal readonly record struct GenericRecord(byte[]? Json, string? RawBase64, string? Error);

/// <summary>
/// Turns records of kinds the CLI does not know into JSON with MessagePack's own converter. The bytes
/// come from the network, so the converter runs with untrusted-data limits (bounded nesting, no
/// recursion without a depth check), and its output is checked before it is embedded in a line.
/// </summary>
internal sealed class GenericRecordJson
{
    /// <summary>Deeper records are refused: far beyond real telemetry, well inside System.Text.Json's own limit of 64.</summary>
    public const int MaxDepth = 32;

    private static readonly MessagePackSerializerOptions Untrusted =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(MaxDepth));

    private readonly StringBuilder _text = new();

    /// <summary>
    /// Converts the record at the reader and advances past it. Returns false when the reader can no
    /// longer be trusted to stand at the next record (the rest of the batch must be dropped).
    /// </summary>
    public bool TryConvert(ref MessagePackReader reader, out GenericRecord record)
    {
        var start = reader.Position;
        _text.Clear();
        try
        {
            using var writer = new StringWriter(_text, CultureInfo.InvariantCulture);
            MessagePackSerializer.ConvertToJson(ref reader, writer, Untrusted);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or InsufficientExecutionStackException or OverflowException)
        {
            record = new GenericRecord(null, null, "undecodable record: " + ex.Message);
            return false;
        }

        byte[] json = Encoding.UTF8.GetBytes(_text.ToString());
        if (IsValidJson(json))
        {
            record = new GenericRecord(json, null, null);
        }
        else
        {
            var raw = reader.Sequence.Slice(start, reader.Position);
            record = new GenericRecord(null, Convert.ToBase64String(raw.IsSingleSegment ? raw.FirstSpan : raw.ToArray()), "record has no JSON form");
        }

        return true;
    }

    private static bool IsValidJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth + 2 });
            while (reader.Read())
            {
            }

            return reader.BytesConsumed == json.Length;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
