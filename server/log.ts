import pino from "pino";
import { env } from "./env";

/** JSON lines on stdout. `level: "master"` marks privileged actions (seed 002 §4.1). */
export const log = pino({
  level: env.LOG_LEVEL,
  customLevels: { master: 35 },
  base: { service: "conduit" },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export type Logger = typeof log;
