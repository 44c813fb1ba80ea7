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
        // Endpoints first, so the relays can start together (a relay needs no upstream to start).
        var binds = names.Select(_ => FreePort.TcpEndpoint()).ToList();
        var links = new List<TcpProxy>();
        for (int i = 0; i < names.Length; i++)
        {
            links.Add(TcpProxy.To(i == 0 ? origin : binds[i - 1]));
        }

        // Snapshot requests go straight to the upstream's snapshot service: the proxies carry the data links only.
        var snapshots = names.Select(_ => $"tcp://127.0.0.1:{FreePort.Next()}").ToList();
        var starting = names.Select((name, i) => RelayProcess.StartAsync(name, [links[i].Endpoint], binds[i], snapshots[i], [i == 0 ? SnapshotProtocol.DeriveEndpoint(origin)! : snapshots[i - 1]])).ToList();
        try
        {
            return new RelayChain(links, await Task.WhenAll(starting));
        }
        catch
        {
            foreach (var relay in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await relay.Result.DisposeAsync();
            }

            foreach (var link in links)
            {
                await link.DisposeAsync();
            }

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
