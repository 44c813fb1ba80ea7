namespace Telemetry.Dashboard.Push;

// What the page receives over SignalR (MessagePack, contractless: property names are the keys).
// Prices travel as exact decimal strings; Value is the same price as a double, for the chart only.

/// <summary>The latest state of one symbol, pushed at most once per push interval.</summary>
/// <param name="Topic">The topic, e.g. <c>md.SIM.AAPL</c>.</param>
/// <param name="Symbol">The symbol, e.g. <c>AAPL</c>.</param>
/// <param name="Price">Last price, exact.</param>
/// <param name="Bid">Best bid, exact.</param>
/// <param name="Ask">Best ask, exact.</param>
/// <param name="Change">Last price minus the first price seen, exact.</param>
/// <param name="ChangePct">The change in percent of the first price seen.</param>
/// <param name="High">Highest price seen.</param>
/// <param name="Low">Lowest price seen.</param>
/// <param name="Rate">Ticks per second over the last second.</param>
/// <param name="Count">Ticks received.</param>
/// <param name="Time">When this update was pushed, Unix seconds (the chart's x).</param>
/// <param name="Value">The last price as a double (the chart's y).</param>
/// <param name="BidSize">Size at the best bid, exact, or null when the feed does not report it.</param>
/// <param name="AskSize">Size at the best ask, exact, or null when the feed does not report it.</param>
/// <param name="Venue">The venue code, or empty when not reported.</param>
/// <param name="Status">The trading status by name (<c>Trading</c>, <c>Halted</c>, <c>Auction</c>, <c>Closed</c>, <c>Unknown</c>).</param>
public sealed record TickUpdate(
    string Topic,
    string Symbol,
    string Price,
    string Bid,
    string Ask,
    string Change,
    double ChangePct,
    string High,
    string Low,
    double Rate,
    long Count,
    double Time,
    double Value,
    string? BidSize,
    string? AskSize,
    string Venue,
    string Status);

/// <summary>One row of the topic monitor.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Kind">The record kind.</param>
/// <param name="Publisher">The publisher of the last batch.</param>
/// <param name="Rate">Records per second over the last second.</param>
/// <param name="Records">Records received.</param>
/// <param name="Gaps">Gaps detected (what no repair could fill).</param>
/// <param name="Missing">Records reported missing.</param>
/// <param name="LatencyMs">Mean batch latency over the last second, in milliseconds.</param>
/// <param name="LatencyMaxMs">Largest batch latency over the last second, in milliseconds.</param>
/// <param name="AgeSeconds">Seconds since the last batch.</param>
/// <param name="Repaired">Missing records that came back in repair answers.</param>
/// <param name="Resyncs">Times the latest value was lost beyond every window and came back from the snapshot service.</param>
/// <param name="Conflated">Records a node's conflated feed replaced by newer ones (superseded, not lost).</param>
public sealed record TopicRow(string Topic, string Kind, string Publisher, double Rate, long Records, long Gaps, long Missing, double LatencyMs, double LatencyMaxMs, double AgeSeconds, long Repaired, long Resyncs, long Conflated);

/// <summary>A publisher, relay or subscriber in the system view.</summary>
/// <param name="Role">publisher, relay or subscriber.</param>
/// <param name="Name">Its name.</param>
/// <param name="Detail">Where it is or what it carries.</param>
/// <param name="Rate">Records per second through it.</param>
/// <param name="Health">ok, warn or down.</param>
/// <param name="Notes">Counters that explain the health.</param>
public sealed record ComponentRow(string Role, string Name, string Detail, double Rate, string Health, string Notes);

/// <summary>The latest sample of one metric series.</summary>
/// <param name="Source">The host or component (middle segment of <c>metric.&lt;source&gt;.&lt;name&gt;</c>).</param>
/// <param name="Name">Metric name.</param>
/// <param name="Labels">Labels as <c>k=v,k=v</c>.</param>
/// <param name="Value">The value, formatted.</param>
/// <param name="AgeSeconds">Seconds since it was received.</param>
public sealed record MetricRow(string Source, string Name, string Labels, string Value, double AgeSeconds);

/// <summary>The system view, pushed once a second.</summary>
/// <param name="Components">Publishers, relays and subscribers.</param>
/// <param name="Metrics">Metric samples received.</param>
/// <param name="RecordsPerSecond">Records per second received in total.</param>
/// <param name="Topics">Topics seen.</param>
/// <param name="Clients">Pages connected.</param>
public sealed record SystemView(ComponentRow[] Components, MetricRow[] Metrics, double RecordsPerSecond, int Topics, int Clients);

/// <summary>One log record for the log tail.</summary>
/// <param name="Id">Increasing position; the page keeps the newest.</param>
/// <param name="Time">When it was logged, Unix milliseconds.</param>
/// <param name="Application">The application.</param>
/// <param name="Level">Trace, Debug, Information, Warning, Error or Critical.</param>
/// <param name="Category">Logger category.</param>
/// <param name="Message">The message.</param>
/// <param name="Exception">Exception text, if any.</param>
public sealed record LogRow(long Id, double Time, string Application, string Level, string Category, string Message, string? Exception);

/// <summary>Points of one topic's chart, oldest first.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Times">Unix seconds.</param>
/// <param name="Values">Prices.</param>
public sealed record ChartSeries(string Topic, double[] Times, double[] Values);

/// <summary>Everything a newly opened page needs at once, so it never starts empty.</summary>
/// <param name="Mode">demo or live.</param>
/// <param name="Endpoints">Where the dashboard's subscriber is connected.</param>
/// <param name="PushIntervalMs">The conflation interval.</param>
/// <param name="Board">The current state of every symbol (a symbol's chart history is fetched by the detail view).</param>
/// <param name="Logs">The newest log records.</param>
/// <param name="Topics">The topic monitor.</param>
/// <param name="System">The system view.</param>
/// <param name="Metrics">Every charted metric series with its recent points.</param>
public sealed record Hello(string Mode, string[] Endpoints, int PushIntervalMs, TickUpdate[] Board, LogRow[] Logs, TopicRow[] Topics, SystemView? System, MetricSeriesView[] Metrics);

/// <summary>
/// A metric series for the metrics page: in the hello with its recent points, then once a second with
/// its new point when it has one.
/// </summary>
/// <param name="Key">Identifies the series: topic, name and labels.</param>
/// <param name="Application">The application (the middle segment of <c>metric.&lt;application&gt;.&lt;instrument&gt;</c>).</param>
/// <param name="Name">Metric name.</param>
/// <param name="Labels">Labels as <c>k=v,k=v</c>.</param>
/// <param name="Unit">The unit, or empty.</param>
/// <param name="Type">counter, gauge, updowncounter, histogram or unknown.</param>
/// <param name="Chart">What the points are: <c>value</c>, <c>rate</c> (per second) or <c>mean</c> (a histogram's, per interval).</param>
/// <param name="Latest">The latest sample's value, formatted.</param>
/// <param name="Times">Points' sample times, Unix seconds.</param>
/// <param name="Values">Points' values.</param>
public sealed record MetricSeriesView(string Key, string Application, string Name, string Labels, string Unit, string Type, string Chart, string Latest, double[] Times, double[] Values);
