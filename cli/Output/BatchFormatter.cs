using System.Buffers;
using MessagePack;

namespace Telemetry.Cli.Output;

/// <summary>
/// Decodes a batch by its kind, straight from the received frame, and hands each record to the
/// output format. Kinds the CLI does not know are shown as generic JSON.
/// </summary>
internal abstract class BatchFormatter : IDisposable
{
    private readonly GenericRecordJson _generic = new();

    /// <summary>Formats up to <paramref name="limit"/> records of <paramref name="batch"/>; returns how many were written.</summary>
    /// <param name="batch">The batch, valid only during the call.</param>
    /// <param name="limit">Most records to write (for <c>--count</c>).</param>
    /// <param name="output">Where the lines go.</param>
    /// <param name="error">Why the rest of the batch was not shown, if it was not.</param>
    public int Format(in RecordBatch batch, int limit, IBufferWriter<byte> output, out string? error)
    {
        var header = batch.Header;
        error = null;
        int written = 0;
        try
        {
            switch (header.Kind)
            {
                case "tick":
                    foreach (var tick in batch.Records<Tick>())
                    {
                        if (written == limit)
                        {
                            break;
                        }

                        WriteTick(header, header.FirstSequence + (ulong)written++, tick, output);
                    }

                    break;
                case "log":
                    foreach (var log in batch.Records<LogRecord>())
                    {
                        if (written == limit)
                        {
                            break;
                        }

                        WriteLog(header, header.FirstSequence + (ulong)written++, log, output);
                    }

                    break;
                case "metric":
                    foreach (var sample in batch.Records<MetricSample>())
                    {
                        if (written == limit)
                        {
                            break;
                        }

                        WriteMetric(header, header.FirstSequence + (ulong)written++, sample, output);
                    }

                    break;
                default:
                    written = FormatGeneric(batch, limit, output, out error);
                    break;
            }
        }
        catch (Exception ex) when (ex is FormatException or MessagePackSerializationException or EndOfStreamException)
        {
            // A record is decoded before anything of it is written, so no half line is left behind.
            // The SDK's enumerator reports a malformed record as a FormatException.
            error = $"malformed {header.Kind} record #{header.FirstSequence + (ulong)written}: {ex.Message}";
        }

        return written;
    }

    /// <summary>Releases what the format holds.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes one tick.</summary>
    protected abstract void WriteTick(in BatchHeader header, ulong sequence, in Tick tick, IBufferWriter<byte> output);

    /// <summary>Writes one log record.</summary>
    protected abstract void WriteLog(in BatchHeader header, ulong sequence, LogRecord log, IBufferWriter<byte> output);

    /// <summary>Writes one metric sample.</summary>
    protected abstract void WriteMetric(in BatchHeader header, ulong sequence, in MetricSample sample, IBufferWriter<byte> output);

    /// <summary>Writes one record of a kind the CLI does not know.</summary>
    protected abstract void WriteGeneric(in BatchHeader header, ulong sequence, in GenericRecord record, IBufferWriter<byte> output);

    /// <summary>Releases what the format holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    private int FormatGeneric(in RecordBatch batch, int limit, IBufferWriter<byte> output, out string? error)
    {
        error = null;
        var header = batch.Header;
        var bytes = batch.RecordBytes;

        // MessagePackReader needs memory, the batch lends a span: one copy per batch, only for the
        // rare kinds the CLI cannot decode itself.
        byte[] copy = ArrayPool<byte>.Shared.Rent(bytes.Length);
        try
        {
            bytes.CopyTo(copy);
            var reader = new MessagePackReader(copy.AsMemory(0, bytes.Length));
            int written = 0;
            while (written < header.Count && written < limit)
            {
                bool canContinue = _generic.TryConvert(ref reader, out var record);
                WriteGeneric(header, header.FirstSequence + (ulong)written++, record, output);
                if (!canContinue)
                {
                    error = $"{record.Error}; rest of the batch dropped";
                    break;
                }
            }

            return written;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}
