namespace Telemetry;

/// <summary>
/// The batch kind of a record type that does not implement <see cref="IRecord{TSelf}"/>: what the
/// publisher writes in its batches and what <c>ReadAllAsync&lt;T&gt;</c> reads. Without it the kind is
/// the type's full name, so two teams' <c>Order</c> types do not collide.
/// </summary>
/// <param name="kind">1 to 64 UTF-8 bytes, e.g. <c>"order"</c>.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class TelemetryKindAttribute(string kind) : Attribute
{
    /// <summary>The kind.</summary>
    public string Kind { get; } = kind;

    internal static string KindOf(Type type) =>
        type.GetCustomAttributes(typeof(TelemetryKindAttribute), inherit: false) is [TelemetryKindAttribute attribute, ..]
            ? attribute.Kind
            : type.FullName ?? type.Name;
}
