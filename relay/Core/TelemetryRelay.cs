using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telemetry.Internal;

namespace Telemetry.Relay;

/// <summary>
/// A relay: reads batches from upstream publishers or relays (or, as a collector, from publishers
/// that connect to it), forwards only what its downstream subscribed to, one copy per link, keeps
/// the last record of every topic for late joiners, and serves them snapshots. All of it runs on
/// one thread of its own between <see cref="Start"/> and <see cref="Dispose"/>.
/// </summary>
public sealed class TelemetryRelay : IDisposable
{
    private readonly Forwarder _forwarder;

    /// <summary>Sets the relay up: binds and connects every endpoint. Nothing is read until <see cref="Start"/>.</summary>
    /// <param name="options">Endpoints and limits; validated here.</param>
    /// <param name="logger">Where lifecycle events and refusals go; optional.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="NetMQ.NetMQException">An endpoint could not be bound or connected.</exception>
    public TelemetryRelay(RelayOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _forwarder = new Forwarder(options, logger ?? NullLogger.Instance);
    }

    /// <summary>The downstream endpoints bound (with <c>*</c> ports resolved) and the epgm groups, in the order given.</summary>
    public IReadOnlyList<string> BoundEndpoints => _forwarder.BoundEndpoints;

    /// <summary>The upstream endpoints bound in collector mode (with <c>*</c> ports resolved).</summary>
    public IReadOnlyList<string> CollectEndpoints => _forwarder.CollectEndpoints;

    /// <summary>Starts forwarding on the relay's thread.</summary>
    public void Start() => _forwarder.Start();

    /// <summary>Counters since start.</summary>
    public RelayStats GetStats()
    {
        var c = _forwarder.Counters;
        var down = _forwarder.Downstream;
        return new RelayStats(
            Volatile.Read(ref c.UpMessages),
            Volatile.Read(ref c.UpRecords),
            Volatile.Read(ref c.UpBytes),
            Volatile.Read(ref c.DownMessages),
            Volatile.Read(ref c.DownRecords),
            Volatile.Read(ref c.DownBytes),
            Volatile.Read(ref c.SubscriptionsForwarded),
            Volatile.Read(ref c.UnsubscriptionsForwarded),
            Volatile.Read(ref c.HeldSubscriptions),
            Volatile.Read(ref c.UpstreamConnects),
            Volatile.Read(ref c.UpstreamDisconnects),
            down.Connections,
            down.SubscriptionsRefused,
            down.SubscriptionsLost,
            Volatile.Read(ref c.CachedTopics),
            Volatile.Read(ref c.SnapshotsFromCacheOnly),
            _forwarder.SnapshotStats,
            c.Rejected.ByKind(),
            _forwarder.Retransmit,
            _forwarder.RepairsCoalesced,
            _forwarder.Conflation.Conflated,
            _forwarder.Conflation.Sent);
    }

    /// <summary>Counters of the epgm:// outputs, in the order given.</summary>
    public IReadOnlyList<PgmSenderStats> GetPgmOutputStats() => _forwarder.GetPgmOutputStats();

    /// <summary>Counters of the epgm:// inputs, in the order given.</summary>
    public IReadOnlyList<PgmReceiverStats> GetPgmInputStats() => _forwarder.GetPgmInputStats();

    /// <summary>Stops the relay's thread and closes every socket (an epgm output lingers for repairs).</summary>
    public void Dispose() => _forwarder.Dispose();
}
