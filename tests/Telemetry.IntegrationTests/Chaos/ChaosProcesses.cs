namespace Telemetry.Tests.Chaos;

/// <summary>
/// The chaos tests run one at a time: each runs a publisher host, relays and subscribers as processes
/// on a 2-core machine, and a stall or an outage measured while another test floods the cores would
/// measure the other test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosProcesses
{
    public const string Name = "chaos: processes in network namespaces";
}
