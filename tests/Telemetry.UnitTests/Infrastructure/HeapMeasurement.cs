namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// Tests that bound the test process's heap run alone: GC.GetTotalMemory counts every object of the
/// process, and a test running beside them (a stalled logger queues tens of megabytes) would be
/// counted against them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasurement
{
    public const string Name = "measures the test process's heap";
}
