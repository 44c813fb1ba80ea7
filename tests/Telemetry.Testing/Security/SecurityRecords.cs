namespace Telemetry.Tests.Security;

/// <summary>Ticks whose values follow from their sequence number.</summary>
internal static class SecurityRecords
{
    public static Tick Tick(long sequence) =>
        new(1_767_225_600_000_000_000 + sequence, 10_000 + sequence, 9_999 + sequence, 10_001 + sequence, 100, 2, 0, TickFlags.Trade);
}
