/**
 * `serverStatus.metrics.queryExecutor`: index keys and documents examined by queries since the
 * process started (process-wide, as in mongod). Applications and the compatibility suite read the
 * deltas to see whether a query used an index.
 */
export const queryExecutorMetrics = { scanned: 0, scannedObjects: 0 };
