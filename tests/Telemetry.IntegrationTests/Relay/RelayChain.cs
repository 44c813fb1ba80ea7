using Telemetry.Tests.Infrastructure;
using Telemetry.Wire;

namespace Telemetry.Tests.Relay;

/// <summary>
/// Relays stacked on an origin, each reading its upstream through its own <see cref="TcpProxy"/>, so
/// the bytes on every upstream link are measured. <c>Relays[0]</c> reads the origin through
/// <c>Links[0]</c>; subscribers connect to <see cref="Bottom"/>.
/// </summary>
internal sealed class RelayChain : IAsyncDisposable
{
    private RelayChain(IReadOnlyList<TcpProxy> links, IReadOnlyList<RelayProcess> relays)
    {
        Links = links;
        Relays = relays;
    }

    public IReadOnlyList<TcpProxy> Links { get; }

    public IReadOnlyList<RelayProcess> Relays { get; }

    public string Bottom => Relays[^1].Endpoint;

    public static async Task<RelayChain> StartAsync(string origin, params string[] names)
    {
        // Top down, each once the one above is ready: every relay then connects upstream exactly once
        // (through a proxy, a connection to an upstream not yet listening is accepted and dropped).
        var links = new List<TcpProxy>();
        var relays = new List<RelayProcess>();
        try
        {
            string upstream = origin;
            string upstreamSnapshot = SnapshotProtocol.DeriveEndpoint(origin)!;
            foreach (var name in names)
            {
                var link = TcpProxy.To(upstream);
                links.Add(link);

                // Snapshot requests go straight to the upstream's snapshot service: the proxies carry the data links only.
                var relay = await RelayProcess.StartAsync(name, [link.Endpoint], upstreamSnapshot: [upstreamSnapshot]);
                relays.Add(relay);
                (upstream, upstreamSnapshot) = (relay.Endpoint, relay.SnapshotEndpoint);
            }

            return new RelayChain(links, relays);
        }
        catch
        {
            await new RelayChain(links, relays).DisposeAsync();
            throw;
        }
    }

    public async Task<RelayCounters[]> CountersAsync() => await Task.WhenAll(Relays.Select(r => r.CountersAsync()));

    public string Describe() => string.Join('\n', Relays.Select(r => r.Describe()));

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in Relays.Reverse())
        {
            await relay.DisposeAsync();
        }

        foreach (var link in Links)
        {
            await link.DisposeAsync();
        }
    }
}
