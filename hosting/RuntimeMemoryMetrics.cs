using Prometheus;

namespace Telemetry.Hosting;

/// <summary>
/// The GC's own view of memory, read on scrape from <see cref="GC.GetGCMemoryInfo()"/>: what the heap
/// holds after the last collection against what the GC has committed from the OS. When RSS grows,
/// these say whether live data grew (a leak) or the GC kept more memory around (budgets, garbage
/// promoted by a backlog), which the process metrics alone cannot tell apart.
/// </summary>
public static class RuntimeMemoryMetrics
{
    private static readonly Gauge HeapSize = Metrics.CreateGauge("dotnet_gc_heap_size_bytes", "Managed heap size after the last GC, garbage included until collected.");
    private static readonly Gauge Committed = Metrics.CreateGauge("dotnet_gc_committed_bytes", "Memory the GC has committed from the operating system.");
    private static readonly Gauge Fragmented = Metrics.CreateGauge("dotnet_gc_fragmented_bytes", "Free space inside the managed heap after the last GC.");
    private static readonly Gauge Promoted = Metrics.CreateGauge("dotnet_gc_promoted_bytes", "Bytes that survived the last GC.");

    public static void Update()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        HeapSize.Set(info.HeapSizeBytes);
        Committed.Set(info.TotalCommittedBytes);
        Fragmented.Set(info.FragmentedBytes);
        Promoted.Set(info.PromotedBytes);
    }
}
