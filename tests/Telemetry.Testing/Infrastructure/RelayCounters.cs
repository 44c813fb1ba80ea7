namespace Telemetry.Tests.Infrastructure;

/// <summary>A relay's counters as its <c>/metrics</c> shows them; upstream = what came in, downstream = what went out.</summary>
internal readonly record struct RelayCounters(
    long UpMessages,
    long UpRecords,
    long UpBytes,
    long DownMessages,
    long DownRecords,
    long DownBytes,
    long SubscriptionsForwarded,
    long UnsubscriptionsForwarded,
    long SubscriptionsHeld,
    long UpstreamConnects,
    long UpstreamDisconnects,
    long DownstreamConnections,
    long Malformed)
{
    public static RelayCounters From(PrometheusText m) => new(
        m.Get("telemetry_relay_messages_total", "link", "upstream"),
        m.Get("telemetry_relay_records_total", "link", "upstream"),
        m.Get("telemetry_relay_bytes_total", "link", "upstream"),
        m.Get("telemetry_relay_messages_total", "link", "downstream"),
        m.Get("telemetry_relay_records_total", "link", "downstream"),
        m.Get("telemetry_relay_bytes_total", "link", "downstream"),
        m.Get("telemetry_relay_subscriptions_forwarded_total", "action", "subscribe"),
        m.Get("telemetry_relay_subscriptions_forwarded_total", "action", "unsubscribe"),
        m.Get("telemetry_relay_subscriptions_held"),
        m.Get("telemetry_relay_upstream_connects_total"),
        m.Get("telemetry_relay_upstream_disconnects_total"),
        m.Get("telemetry_relay_downstream_connections"),
        m.Sum("telemetry_relay_malformed_total"));
}
