namespace Telemetry.Perf.Soak;

/// <summary>One sample of the soak: each process's RSS and the counters along the path, since the start.</summary>
/// <param name="Seconds">Time since the processes started.</param>
/// <param name="Rss">Resident bytes per process name (publisher, relay, subscriber); absent if it has exited.</param>
/// <param name="Published">Records the publisher host's feed accepted (its /metrics).</param>
/// <param name="Relayed">Records the relay received from upstream (its /metrics).</param>
/// <param name="Received">Records the subscriber was handed.</param>
/// <param name="Gaps">Gaps the subscriber detected.</param>
/// <param name="Missing">Records those gaps say are missing.</param>
/// <param name="Gc">Per host with /metrics (publisher, relay): the GC's committed bytes and heap size after the last collection.</param>
internal sealed record SoakSample(double Seconds, IReadOnlyDictionary<string, long> Rss, long Published, long Relayed, long Received, long Gaps, long Missing, IReadOnlyDictionary<string, GcMemory> Gc);

/// <summary>What the GC of one process reported (its /metrics), to tell a growing heap from memory the GC keeps committed.</summary>
internal sealed record GcMemory(long Committed, long HeapSize);
