using System.Globalization;

namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// One scrape of a program's <c>/metrics</c>, read the way the tests need it: series by their exact
/// text (<c>name{label="value"}</c>), counters as whole numbers.
/// </summary>
internal sealed class PrometheusText
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly Dictionary<string, double> _series;

    private PrometheusText(Dictionary<string, double> series) => _series = series;

    public static async Task<PrometheusText> ScrapeAsync(string url) => Parse(await Http.GetStringAsync(url));

    /// <summary>Reads the text exposition format, e.g. as fetched from inside a network namespace.</summary>
    public static PrometheusText Parse(string text)
    {
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            int space = line.LastIndexOf(' ');
            if (line.Length == 0 || line[0] == '#' || space < 0)
            {
                continue;
            }

            series[line[..space]] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return new PrometheusText(series);
    }

    /// <summary>A series' value; 0 when it has not been written yet (a counter never incremented).</summary>
    public long Get(string name, string? label = null, string? value = null) =>
        (long)_series.GetValueOrDefault(label is null ? name : $"{name}{{{label}=\"{value}\"}}");

    /// <summary>The sum of every series of a metric, whatever its labels.</summary>
    public long Sum(string name) =>
        (long)_series.Where(s => s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal)).Sum(s => s.Value);

    public override string ToString() => string.Join('\n', _series.Where(s => s.Key.StartsWith("telemetry_", StringComparison.Ordinal)).Select(s => $"{s.Key} {s.Value}"));
}
