using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace Telemetry.Perf.Micro;

/// <summary>
/// The one config every microbenchmark runs with: MemoryDiagnoser (the steady state must allocate
/// 0 bytes per record) and a short job, because this machine has two shared cores and a default
/// job per benchmark would take minutes. Pass <c>--job default</c> for a longer, tighter run.
/// </summary>
internal sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        Add(DefaultConfig.Instance);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddJob(Job.ShortRun.WithId("short"));
        AddColumn(StatisticColumn.P95);
        WithOptions(ConfigOptions.JoinSummary);
    }
}
