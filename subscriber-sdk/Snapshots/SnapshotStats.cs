namespace Telemetry;

/// <summary>Counters of a publisher's or relay's late-join snapshot service since it started.</summary>
/// <param name="Requests">Requests received.</param>
/// <param name="Answered">Requests answered.</param>
/// <param name="Malformed">Requests that were not valid <c>snapshot/1</c> requests.</param>
/// <param name="RefusedBusy">Requests refused because their peer, or all peers together, already had the most requests allowed waiting.</param>
/// <param name="RefusedEntitlement">Requests answered with nothing for want of a valid token.</param>
/// <param name="Expired">Requests whose requester's barrier subscription never came.</param>
/// <param name="Pending">Requests waiting now.</param>
public readonly record struct SnapshotStats(
    long Requests,
    long Answered,
    long Malformed,
    long RefusedBusy,
    long RefusedEntitlement,
    long Expired,
    int Pending);
