using System.Buffers;
using System.Text;
using MessagePack;
using Telemetry.Wire;

namespace Telemetry.Tests.Relay;

/// <summary>
/// What a batch costs on a TCP link: ZeroMQ (ZMTP 3.0) sends each frame as a flags byte, a length
/// (1 byte up to 255, else 8) and the bytes; a batch is a topic frame and a body frame. The body is
/// the envelope the subscriber saw re-encoded (same values, same MessagePack sizes) plus its records.
/// </summary>
internal static class ZmtpBytes
{
    /// <summary>The fixed ZMTP 3.0 greeting each side sends first.</summary>
    public const int Greeting = 64;

    public static long Frame(long size) => (size <= 255 ? 2 : 9) + size;

    /// <summary>A subscription as an XSUB sends it: one frame, 0x01 then the prefix.</summary>
    public static long Subscription(string prefix) => Frame(1 + Encoding.UTF8.GetByteCount(prefix));

    public static long Message(BatchHeader header, int recordBytes)
    {
        long body = BodyBytes(header, recordBytes);
        return Frame(Encoding.UTF8.GetByteCount(header.Topic)) + Frame(body);
    }

    public static long BodyBytes(BatchHeader header, int recordBytes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        EnvelopeWriter.WriteHeader(ref writer, Encoding.UTF8.GetBytes(header.Publisher), header.Session, header.FirstSequence, header.SentUnixNs, Encoding.UTF8.GetBytes(header.Kind), header.Count);
        writer.Flush();
        return buffer.WrittenCount + recordBytes;
    }
}
