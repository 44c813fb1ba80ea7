namespace Telemetry;

/// <summary>Counters of an <c>epgm://</c> receiver since it opened.</summary>
/// <param name="Sources">Sources (TSIs) currently tracked.</param>
/// <param name="DataPackets">ODATA and RDATA packets accepted (not duplicates).</param>
/// <param name="Repaired">Missing packets that arrived as RDATA after a NAK.</param>
/// <param name="NaksSent">Sequence numbers NAKed (retries included).</param>
/// <param name="Lost">Packets given up on: the source no longer held them or repair failed.</param>
/// <param name="Messages">Messages reassembled and handed on.</param>
/// <param name="Malformed">Datagrams that were not valid PGM for this transport.</param>
public readonly record struct PgmReceiverStats(int Sources, long DataPackets, long Repaired, long NaksSent, long Lost, long Messages, long Malformed);
