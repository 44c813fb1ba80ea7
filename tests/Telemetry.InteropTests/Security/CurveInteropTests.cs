using Telemetry.Tests.Infrastructure;
using Telemetry.Tests.Interop;

namespace Telemetry.Tests.Security;

/// <summary>CURVE against libzmq (pyzmq, tests/interop/curve_peer.py), both ways.</summary>
public class CurveInteropTests
{
    [SkippableFact]
    public async Task A_libzmq_CURVE_subscriber_receives_from_an_SDK_CURVE_publisher()
    {
        PythonPeer.SkipIfUnavailable();
        var server = CurveKeyPair.Generate();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["tcp://127.0.0.1:*"], CurveSecretKey = server.SecretKey });
        var topic = publisher.Topic("md.SIM.AAA");
        await using var peer = PythonPeer.Start("curve_peer.py", "sub", "--connect", publisher.BoundEndpoints[0], $"--server-key={server.PublicKey}", "--prefix", "md.SIM.", "--records", "500");
        await Eventually.UntilAsync(() => Task.FromResult(publisher.GetStats().Subscriptions == 1), 30_000, () => $"the libzmq subscription should arrive over CURVE; {publisher.GetStats()}\n{peer.Describe()}");
        for (int s = 1; s <= 500; s++)
        {
            publisher.Publish(topic, SecurityRecords.Tick(s));
        }

        Assert.Equal(0, await peer.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var done = PythonPeer.Event(peer, "done");
        Assert.Equal(500, done.GetProperty("records").GetInt32());
        Assert.Equal(["md.SIM.AAA"], done.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
    }

    [SkippableFact]
    public async Task An_SDK_CURVE_subscriber_receives_from_a_libzmq_CURVE_publisher_and_a_plaintext_one_does_not()
    {
        PythonPeer.SkipIfUnavailable();
        var server = CurveKeyPair.Generate();
        string endpoint = FreePort.TcpEndpoint();
        await using var peer = PythonPeer.Start("curve_peer.py", "xpub", "--bind", endpoint, $"--secret-key={server.SecretKey}", "--topic", "md.PY.AAA", "--records", "300");
        await Eventually.Until(() => PythonPeer.JsonLines(peer).Any(), 30_000, "the libzmq XPUB should bind");

        var plain = new Collector<Tick>();
        await using var plainSubscriber = plain.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["md.PY.A"] }));
        var collector = new Collector<Tick>();
        await using var subscriber = collector.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["md.PY."], CurveServerKey = server.PublicKey }));
        await Eventually.Until(() => collector.Records.Count == 300, 30_000);
        Assert.Equal(0, await peer.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(Enumerable.Range(1, 300).Select(s => (ulong)s), collector.Records.Select(r => r.Sequence));
        Assert.All(collector.Records, r => Assert.Equal(("md.PY.AAA", "py-curve"), (r.Topic, r.Publisher)));
        Assert.Equal(["md.PY."], PythonPeer.Event(peer, "done").GetProperty("subscriptions").EnumerateArray().Select(s => s.GetString()));
        Assert.Empty(plain.Records);
    }
}
