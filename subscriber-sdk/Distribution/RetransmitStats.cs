namespace Telemetry;

/// <summary>A node's retransmission window and the repairs it answered, since start (docs/wire-format.md, section 14).</summary>
/// <param name="WindowBytes">Bytes of recent batches held for repairs now.</param>
/// <param name="WindowBatches">Batches held now.</param>
/// <param name="EvictedBatches">Batches dropped from the window to stay within its byte and age bounds.</param>
/// <param name="EvictedRecords">Records of those batches.</param>
/// <param name="RepairsAnswered">Repair requests answered to their end marker.</param>
/// <param name="RepairsForwarded">Repair requests passed to the upstream side (relays), including those joined to a request already in flight.</param>
/// <param name="RepairsRefused">Repair requests refused: not entitled, over the bounds.</param>
/// <param name="RepairsMalformed">Repair request frames that could not be read.</param>
/// <param name="RecordsResent">Records sent again in answers.</param>
public readonly record struct RetransmitStats(
    long WindowBytes,
    int WindowBatches,
    long EvictedBatches,
    long EvictedRecords,
    long RepairsAnswered,
    long RepairsForwarded,
    long RepairsRefused,
    long RepairsMalformed,
    long RecordsResent);
