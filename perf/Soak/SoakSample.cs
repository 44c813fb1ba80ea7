namespace Telemetry.Perf.Soak;

/// <summary>One sample of the soak: each process's RSS and the counters along the path, since the start.</summary>
/// <param name="Seconds">Time since the processes started.</param>
/// <param name="Rss">Resident bytes per process name (publisher, relay, subscriber); absent if it has exited.</param>
/// <param name="Published">Records the publisher host's feed accepted (its /metrics).</param>
/// <param name="Relayed">Records the relay received from upstream (its /metrics).</param>
/// <param name="Received">Records the subscriber was handed.</param>
/// <param name="Gaps">Gaps the subscriber detected.</param>
/// <param name="Missing">Records those gaps say are missing.</param>
internal sealed record SoakSample(double Seconds, IReadOnlyDictionary<string, long> Rss, long Published, long Relayed, long Received, long Gaps, long Missing);
