using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Cli;

/// <summary>
/// The CLI tests run one at a time: each starts processes on a 2-core machine, and the gap test
/// floods the test process's single NetMQ I/O thread, which would starve the others' publishers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliProcesses
{
    public const string Name = "telemetry CLI processes";
}
