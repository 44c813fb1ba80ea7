using System.Text.Json;
using MessagePack;

namespace Telemetry.Cli.Input;

/// <summary>Writes any JSON value as the equivalent MessagePack value (for kinds the CLI does not know).</summary>
internal static class JsonToMessagePack
{
    public static void Write(ref MessagePackWriter writer, JsonElement value)
    {
        // Depth is bounded by JsonDocument's MaxDepth, so the recursion is too.
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteMapHeader(value.GetPropertyCount());
                foreach (var property in value.EnumerateObject())
                {
                    writer.Write(property.Name);
                    Write(ref writer, property.Value);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    Write(ref writer, item);
                }

                break;
            case JsonValueKind.String:
                writer.Write(value.GetString());
                break;
            case JsonValueKind.Number:
                // Integers stay integers; anything else is the nearest double (MessagePack has no decimal).
                if (value.TryGetInt64(out long integer))
                {
                    writer.Write(integer);
                }
                else if (value.TryGetUInt64(out ulong large))
                {
                    writer.Write(large);
                }
                else
                {
                    writer.Write(value.GetDouble());
                }

                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }
}
