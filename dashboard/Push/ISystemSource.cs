namespace Telemetry.Dashboard.Push;

/// <summary>Something running inside the dashboard process that the system view shows (the demo's relay and publishers).</summary>
internal interface ISystemSource
{
    /// <summary>Rows describing the components now; called once a second with the time since the previous call.</summary>
    IEnumerable<ComponentRow> Describe(double elapsedSeconds);
}
