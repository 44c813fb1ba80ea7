using MessagePack;

namespace Telemetry;

/// <summary>
/// How records of one type are written and read inside a batch: through the type's own static
/// <see cref="IRecord{TSelf}"/> members, or through MessagePack-CSharp's formatter for it.
/// </summary>
internal abstract class RecordFormat<T>
{
    /// <summary>The batch kind of this type: <see cref="IRecord{TSelf}.Kind"/>, <see cref="TelemetryKindAttribute"/>, or the type's full name.</summary>
    public abstract string Kind { get; }

    public abstract void Write(ref MessagePackWriter writer, in T record);

    public abstract T Read(ref MessagePackReader reader);

    /// <summary>A fast path straight from the span; false to fall back on <see cref="Read"/>.</summary>
    public virtual bool TryRead(ReadOnlySpan<byte> records, ref int offset, out T record)
    {
        record = default!;
        return false;
    }
}

/// <summary>The format of a type that implements <see cref="IRecord{TSelf}"/>: its static members, no reflection.</summary>
internal sealed class StaticRecordFormat<T> : RecordFormat<T>
    where T : IRecord<T>
{
    public override string Kind => T.Kind;

    public override void Write(ref MessagePackWriter writer, in T record) => T.Write(ref writer, in record);

    public override T Read(ref MessagePackReader reader) => T.Read(ref reader);

    public override bool TryRead(ReadOnlySpan<byte> records, ref int offset, out T record) => T.TryRead(records, ref offset, out record);
}

/// <summary>
/// The format of any other type MessagePack-CSharp can serialize (<c>[MessagePackObject]</c> classes
/// and structs, or whatever the application's default resolver knows, e.g. generated formatters).
/// Every read applies MessagePack's untrusted-data limits; the typeless resolver, which instantiates
/// types the sender names, is never used.
/// </summary>
internal sealed class FormatterRecordFormat<T> : RecordFormat<T>
{
    private readonly MessagePackSerializerOptions _options;
    private readonly MessagePack.Formatters.IMessagePackFormatter<T> _formatter;

    public FormatterRecordFormat()
    {
        var resolver = MessagePackSerializer.DefaultOptions.Resolver;
        if (resolver is MessagePack.Resolvers.TypelessContractlessStandardResolver || resolver.GetFormatter<object>() is MessagePack.Formatters.TypelessFormatter)
        {
            resolver = MessagePack.Resolvers.StandardResolver.Instance;
        }

        _options = MessagePackSerializerOptions.Standard.WithResolver(resolver).WithSecurity(MessagePackSecurity.UntrustedData);
        try
        {
            _formatter = resolver.GetFormatterWithVerify<T>();
        }
        catch (Exception ex) when (ex is FormatterNotRegisteredException or TypeInitializationException or MessagePackSerializationException)
        {
            throw new NotSupportedException($"{typeof(T).FullName} cannot be a record: MessagePack has no formatter for it (annotate it with [MessagePackObject] and [Key], or implement IRecord<T>).", ex);
        }

        Kind = TelemetryKindAttribute.KindOf(typeof(T));
    }

    public override string Kind { get; }

    public override void Write(ref MessagePackWriter writer, in T record) => _formatter.Serialize(ref writer, record, _options);

    // The formatters step the options' depth limit and use collision-resistant hashing (UntrustedData).
    public override T Read(ref MessagePackReader reader) => _formatter.Deserialize(ref reader, _options);
}

/// <summary>The format of <typeparamref name="T"/>, chosen once per type.</summary>
internal static class RecordCodec<T>
{
    /// <summary>The format; throws <see cref="NotSupportedException"/> (wrapped) for a type MessagePack cannot serialize.</summary>
    public static readonly RecordFormat<T> Format = Create();

    private static RecordFormat<T> Create() =>
        typeof(T).GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRecord<>) && i.GetGenericArguments()[0] == typeof(T))
            ? (RecordFormat<T>)Activator.CreateInstance(typeof(StaticRecordFormat<>).MakeGenericType(typeof(T)))!
            : new FormatterRecordFormat<T>();
}
