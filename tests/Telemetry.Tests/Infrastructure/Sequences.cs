namespace Telemetry.Tests.Infrastructure;

/// <summary>Sequence-number ranges, for asserting that delivered records and gap reports tile a stream exactly.</summary>
internal static class Sequences
{
    /// <summary><paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    public static List<ulong> Range(ulong first, ulong last)
    {
        var list = new List<ulong>();
        for (ulong s = first; s <= last; s++)
        {
            list.Add(s);
        }

        return list;
    }
}
