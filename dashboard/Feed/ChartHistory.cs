namespace Telemetry.Dashboard.Feed;

/// <summary>
/// The last points pushed for a topic's chart (one per push), so a page opened later starts with a
/// chart instead of an empty box. Written by the push loop, read by a newly connected page; both under the owner's lock.
/// </summary>
internal sealed class ChartHistory(int capacity)
{
    private readonly double[] _times = new double[capacity];
    private readonly double[] _values = new double[capacity];
    private int _next;
    private int _count;

    public void Add(double unixSeconds, double value)
    {
        _times[_next] = unixSeconds;
        _values[_next] = value;
        _next = (_next + 1) % _times.Length;
        _count = Math.Min(_count + 1, _times.Length);
    }

    /// <summary>The points oldest first, as two parallel arrays (the shape uPlot takes).</summary>
    public (double[] Times, double[] Values) ToArrays()
    {
        var times = new double[_count];
        var values = new double[_count];
        int start = (_next - _count + _times.Length) % _times.Length;
        for (int i = 0; i < _count; i++)
        {
            times[i] = _times[(start + i) % _times.Length];
            values[i] = _values[(start + i) % _times.Length];
        }

        return (times, values);
    }
}
