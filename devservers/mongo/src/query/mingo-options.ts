import { ProcessingMode } from "mingo";

/** mingo mutates inputs in its default mode ($unwind…); stored documents must never change. */
export const MINGO_OPTIONS = {
  processingMode: ProcessingMode.CLONE_INPUT,
  scriptEnabled: false,
  useStrictMode: true,
} as const;
