using System.Collections.Concurrent;
using System.Text.Json;
using Telemetry.Tests.Infrastructure;
using Telemetry.Tests.Interop;
using Telemetry.Transport.Pgm;
using Telemetry.Wire;

namespace Telemetry.Tests.Pgm;

/// <summary>The two ends the PGM tests combine: libzmq (tests/interop/pgm_peer.py) and ours.</summary>
internal static class PgmPeers
{
    public static readonly string[] Topics = ["md.SIM.AAA", "md.SIM.BBB", "md.SIM.CCC"];

    public static void SkipIfUnavailable()
    {
        NamespaceNetwork.SkipIfUnavailable();
        PythonPeer.SkipIfUnavailable();
    }

    public static ChildProcess StartLibzmq(NamespaceNetwork net, int host, string mode, int port, params string[] args) =>
        net.Start(host, PythonPeer.Python, [Path.Combine(PythonPeer.ScriptsDirectory, "pgm_peer.py"), mode, "--endpoint", net.Endpoint(host, port), .. args]);

    public static async Task WaitForEvent(ChildProcess process, string name, int timeoutMs = 15_000) =>
        await Eventually.Until(() => HasEvent(process, name) || process.HasExited, timeoutMs, () => $"'{name}' from pgm_peer.py\n{process.Describe()}");

    public static bool HasEvent(ChildProcess process, string name) =>
        PythonPeer.JsonLines(process).Any(e => e.TryGetProperty("event", out var v) && v.GetString() == name);

    public static async Task<JsonElement> Summary(ChildProcess process, int timeoutSeconds = 60)
    {
        await process.WaitForExitAsync(TimeSpan.FromSeconds(timeoutSeconds));
        return PythonPeer.Event(process, "summary");
    }

    /// <summary>Publishes ticks 1..n per topic in batches, as pgm_peer.py does, through our sender and libzmq's framing.</summary>
    public static void PublishTicks(PgmSender sender, int ticks, int batch, string publisher = "dotnet-epgm")
    {
        var writer = new ApduWriter(sender.MaxTsdu, tsdu => sender.Send(tsdu.Span));
        ulong session = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        for (int first = 1; first <= ticks; first += batch)
        {
            for (int t = 0; t < Topics.Length; t++)
            {
                int count = Math.Min(batch, ticks - first + 1);
                var records = Enumerable.Range(first, count).Select(s => SampleRecords.Tick(t, s)).ToList();
                var body = TestBatches.Encode(publisher, session, (ulong)first, records);
                writer.WriteMessage(System.Text.Encoding.UTF8.GetBytes(Topics[t]), body, default);
            }

            writer.Flush();
        }
    }

    /// <summary>Collects what one of our receivers reassembles: records per topic and the sequence numbers seen.</summary>
    public sealed class Collected
    {
        public ConcurrentDictionary<string, ConcurrentDictionary<ulong, bool>> Sequences { get; } = new();

        public long Records => Sequences.Values.Sum(s => (long)s.Count);

        public long Malformed;

        public void OnMessage(Tsi source, ReadOnlySpan<byte> data, ReadOnlySpan<Range> frames)
        {
            if (frames.Length != 2)
            {
                Interlocked.Increment(ref Malformed);
                return;
            }

            string topic = System.Text.Encoding.UTF8.GetString(data[frames[0]]);
            var body = data[frames[1]].ToArray();
            if (EnvelopeReader.TryRead(body, out var envelope) != DecodeError.None)
            {
                Interlocked.Increment(ref Malformed);
                return;
            }

            var seen = Sequences.GetOrAdd(topic, _ => new());
            for (int i = 0; i < envelope.Count; i++)
            {
                seen[envelope.FirstSequence + (ulong)i] = true;
            }
        }
    }
}
