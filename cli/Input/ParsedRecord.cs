namespace Telemetry.Cli.Input;

/// <summary>One input line of <c>pub</c>, ready to publish.</summary>
/// <param name="Topic">The topic to publish on.</param>
/// <param name="Kind">The batch kind.</param>
/// <param name="MessagePack">The record as exactly one MessagePack value.</param>
internal sealed record ParsedRecord(string Topic, string Kind, byte[] MessagePack);
