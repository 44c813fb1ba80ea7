using Telemetry.Transport.Pgm;

namespace Telemetry.Tests.Pgm;

/// <summary>libzmq's framing inside PGM payloads: offset header, ZMTP 1.0 frames spanning packets, joining and loss.</summary>
public sealed class ApduFramingTests
{
    [Fact]
    public void A_libzmq_payload_reads_as_its_two_frame_message()
    {
        // The TSDU of a captured libzmq ODATA: offset 0, "md.SIM.AAPL" (more), "xxxxxxxxxx1".
        var tsdu = Convert.FromHexString("00000c016d642e53494d2e4141504c0c007878787878787878787831");
        var got = new List<string[]>();
        var reader = new ApduReader(1 << 20, (data, frames) =>
        {
            var texts = new string[frames.Length];
            for (int i = 0; i < frames.Length; i++)
            {
                texts[i] = System.Text.Encoding.ASCII.GetString(data[frames[i]]);
            }

            got.Add(texts);
        });
        reader.OnTsdu(tsdu);
        Assert.Equal([["md.SIM.AAPL", "xxxxxxxxxx1"]], got);
    }

    [Theory]
    [InlineData(100, 3)]
    [InlineData(300, 7)]
    [InlineData(1428, 40)]
    public void Messages_of_any_size_survive_packing_into_tsdus(int maxTsdu, int seed)
    {
        var random = new Random(seed);
        var sent = Enumerable.Range(0, 200).Select(i => (Topic: $"md.T{i % 7}", Body: RandomBytes(random, random.Next(0, 3000)))).ToList();
        var tsdus = new List<byte[]>();
        var writer = new ApduWriter(maxTsdu, t => tsdus.Add(t.ToArray()));
        foreach (var (topic, body) in sent)
        {
            writer.WriteMessage(System.Text.Encoding.ASCII.GetBytes(topic), body.AsSpan(0, body.Length / 2), body.AsSpan(body.Length / 2));
            if (random.Next(4) == 0)
            {
                writer.Flush();
            }
        }

        writer.Flush();
        Assert.All(tsdus, t => Assert.True(t.Length <= maxTsdu));
        var received = Read(tsdus, lose: -1);
        Assert.Equal(sent.Select(s => s.Topic), received.Select(r => r.Topic));
        Assert.Equal(sent.Select(s => Convert.ToHexString(s.Body)), received.Select(r => Convert.ToHexString(r.Body)));
    }

    [Fact]
    public void A_lost_tsdu_costs_only_the_messages_it_carried_and_reading_resumes_at_the_next_message_start()
    {
        var sent = Enumerable.Range(0, 50).Select(i => (Topic: $"t{i}", Body: new byte[i * 37])).ToList();
        var tsdus = new List<byte[]>();
        var writer = new ApduWriter(200, t => tsdus.Add(t.ToArray()));
        foreach (var (topic, body) in sent)
        {
            writer.WriteMessage(System.Text.Encoding.ASCII.GetBytes(topic), body, default);
        }

        writer.Flush();
        int lost = tsdus.Count / 2;
        var received = Read(tsdus, lose: lost).Select(r => r.Topic).ToList();
        Assert.True(received.Count < sent.Count);
        var expected = sent.Select(s => s.Topic).ToList();
        int firstMissing = received.TakeWhile((t, i) => t == expected[i]).Count();
        int resumed = expected.IndexOf(received[firstMissing]);

        // Everything before the loss and everything from the first message starting after it.
        Assert.Equal(expected[..firstMissing], received[..firstMissing]);
        Assert.Equal(expected[resumed..], received[firstMissing..]);
    }

    private static List<(string Topic, byte[] Body)> Read(List<byte[]> tsdus, int lose)
    {
        var received = new List<(string, byte[])>();
        var reader = new ApduReader(1 << 20, (data, frames) =>
        {
            Assert.Equal(2, frames.Length);
            received.Add((System.Text.Encoding.ASCII.GetString(data[frames[0]]), data[frames[1]].ToArray()));
        });
        for (int i = 0; i < tsdus.Count; i++)
        {
            if (i == lose)
            {
                reader.OnLoss();
            }
            else
            {
                reader.OnTsdu(tsdus[i]);
            }
        }

        return received;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
