using System.Buffers;
using MessagePack;

namespace Telemetry.Wire;

/// <summary>
/// Steps over one MessagePack value, as <see cref="MessagePackReader.Skip"/> does, but refuses
/// nesting deeper than <see cref="MaxDepth"/> (MessagePack-CSharp's own limit for untrusted data):
/// every place that steps over records it does not decode (the overlap of a repeated batch, fields
/// a later revision appended, a raw record, a relay's last-value cache) goes through here, so a
/// nesting bomb inside a well-formed envelope is a counted bad record like any other.
/// </summary>
internal static class BoundedSkip
{
    public const int MaxDepth = 500;

    /// <summary>
    /// Records <paramref name="skip"/>.. of a run of consecutive records, <paramref name="take"/> of
    /// them (all the rest when negative); false when the bytes end early or nest too deep.
    /// </summary>
    public static bool TrySlice(ReadOnlyMemory<byte> records, int skip, int take, out ReadOnlyMemory<byte> slice)
    {
        slice = default;
        try
        {
            var reader = new MessagePackReader(records);
            for (int i = 0; i < skip; i++)
            {
                Skip(ref reader);
            }

            int start = (int)reader.Consumed;
            if (take < 0)
            {
                slice = records[start..];
                return true;
            }

            for (int i = 0; i < take; i++)
            {
                Skip(ref reader);
            }

            slice = records[start..(int)reader.Consumed];
            return true;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException)
        {
            return false;
        }
    }

    /// <summary>Skips one value.</summary>
    /// <exception cref="MessagePackSerializationException">It nests deeper than <see cref="MaxDepth"/>.</exception>
    /// <exception cref="EndOfStreamException">The input ends inside it.</exception>
    public static void Skip(ref MessagePackReader reader)
    {
        // Values still to step over at each open level: iterative, so the depth costs no stack.
        Span<long> pending = stackalloc long[MaxDepth + 1];
        int depth = 0;
        pending[0] = 1;
        while (true)
        {
            if (pending[depth] == 0)
            {
                if (depth == 0)
                {
                    return;
                }

                depth--;
                continue;
            }

            pending[depth]--;
            long children = reader.NextMessagePackType switch
            {
                MessagePackType.Array => reader.ReadArrayHeader(),
                MessagePackType.Map => 2L * reader.ReadMapHeader(),
                _ => -1,
            };
            if (children < 0)
            {
                reader.Skip(); // a scalar, string, binary or extension: no nesting
                continue;
            }

            if (children > 0)
            {
                if (depth == MaxDepth)
                {
                    throw new MessagePackSerializationException($"The value nests deeper than {MaxDepth} levels.");
                }

                pending[++depth] = children;
            }
        }
    }

    /// <summary>Skips one value and returns its bytes.</summary>
    public static ReadOnlySequence<byte> ReadRaw(ref MessagePackReader reader)
    {
        var start = reader.Position;
        Skip(ref reader);
        return reader.Sequence.Slice(start, reader.Position);
    }
}
