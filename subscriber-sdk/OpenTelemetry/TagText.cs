using System.Globalization;

namespace Telemetry.OpenTelemetry;

/// <summary>
/// A tag or attribute value as label text: labels and log properties are strings on the wire.
/// Numbers are written invariantly, so the dashboard and the sink read the same text everywhere.
/// </summary>
internal static class TagText
{
    public static string Of(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable items => string.Join(",", items.Cast<object?>().Select(Of)),
        _ => value.ToString() ?? string.Empty,
    };
}
