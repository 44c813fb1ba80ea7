namespace Telemetry;

/// <summary>Counters of an <c>epgm://</c> sender since it opened.</summary>
/// <param name="DataPackets">ODATA packets sent.</param>
/// <param name="DataBytes">TSDU bytes in those packets.</param>
/// <param name="RepairPackets">RDATA packets sent in answer to NAKs.</param>
/// <param name="NaksReceived">Sequence numbers receivers asked for.</param>
/// <param name="NaksTooOld">Requests for data already gone from the transmit window.</param>
/// <param name="Spms">SPMs sent (heartbeats, ambient, answers to SPMR).</param>
/// <param name="Trail">Oldest sequence number still held for repair.</param>
/// <param name="Lead">Newest sequence number sent.</param>
public readonly record struct PgmSenderStats(long DataPackets, long DataBytes, long RepairPackets, long NaksReceived, long NaksTooOld, long Spms, uint Trail, uint Lead);
