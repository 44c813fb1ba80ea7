namespace Telemetry.Dashboard.Feed;

/// <summary>Where the dashboard's subscriber connects: a real feed, or the embedded demo topology.</summary>
internal interface IFeedSource
{
    /// <summary>What the page shows as the mode, e.g. <c>demo</c> or <c>live</c>.</summary>
    string Mode { get; }

    /// <summary>Endpoints the subscriber connects to.</summary>
    IReadOnlyList<string> Endpoints { get; }

    /// <summary>Whether to ask for a late-join snapshot, so quiet topics show up at once.</summary>
    bool Snapshot { get; }
}

/// <summary>A real feed given with <c>--connect</c>; snapshots from each endpoint's port + 1, the publisher and relay convention.</summary>
internal sealed class ConnectedFeed(IReadOnlyList<string> endpoints) : IFeedSource
{
    public string Mode => "live";

    public IReadOnlyList<string> Endpoints => endpoints;

    public bool Snapshot => endpoints.All(e => Hosting.EndpointText.SnapshotBeside(e) is not null);
}
