"use client";

import { TRPCClientError } from "@trpc/client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { EditorPost, SavedPost } from "@/server/services/posts/post-dto";
import { clearLocalCopy, type PendingFields, writeLocalCopy } from "./local-copy";

export type SaveState = "saved" | "dirty" | "saving" | "offline" | "error" | "conflict";

export interface Conflict {
  /** What this tab has that the server doesn't (title and content always present). */
  mine: PendingFields & { title: string; content: unknown };
  /** The version someone else saved. */
  theirs: EditorPost;
}

type SaveCall = (
  input: PendingFields & { id: string; baseVersion: number },
) => Promise<{ ok: true; post: SavedPost } | { ok: false; conflict: EditorPost }>;

const DEBOUNCE_MS = 700;
const MAX_WAIT_MS = 4_000;
const LOCAL_COPY_MS = 250;

/** A failure worth retrying quietly: no connection, or the server/proxy not answering properly. */
function isRetryable(error: unknown): { offline: boolean } | null {
  if (typeof navigator !== "undefined" && navigator.onLine === false) return { offline: true };
  if (error instanceof TypeError) return { offline: true };
  if (error instanceof TRPCClientError) {
    const code = (error.data as { code?: string } | undefined)?.code;
    if (!code) return { offline: true };
    if (code === "INTERNAL_SERVER_ERROR" || code === "SERVICE_UNAVAILABLE" || code === "TIMEOUT") {
      return { offline: false };
    }
  }
  return null;
}

/**
 * Debounced autosave with optimistic versions. Changes are queued, copied to localStorage at
 * once, sent after a pause in typing (or every few seconds while typing goes on), and the local
 * copy is cleared only when the server has everything. A failed save keeps the changes and
 * retries with back-off (and as soon as the browser is back online); a version conflict stops
 * saving and hands both versions to the caller, which decides — nothing is overwritten silently.
 */
export function useAutosave(opts: {
  postId: string;
  initialVersion: number;
  save: SaveCall;
  /** Title and content as the editor has them now (for a conflict's "mine"). */
  snapshot: () => { title: string; content: unknown };
  onSaved: (post: SavedPost) => void;
  /** Blocked when the user can't edit or a conflict is open. */
  enabled: boolean;
}) {
  const [state, setState] = useState<SaveState>("saved");
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [errorText, setErrorText] = useState<string | null>(null);

  const version = useRef(opts.initialVersion);
  const pending = useRef<PendingFields | null>(null);
  const sending = useRef<PendingFields | null>(null);
  const inflight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const firstQueuedAt = useRef<number | null>(null);
  const localTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const retryDelay = useRef(1_000);
  const optsRef = useRef(opts);
  optsRef.current = opts;
  const conflictRef = useRef<Conflict | null>(null);

  const persistLocal = useCallback(() => {
    if (localTimer.current) clearTimeout(localTimer.current);
    localTimer.current = null;
    const fields = { ...(sending.current ?? {}), ...(pending.current ?? {}) };
    if (Object.keys(fields).length === 0) return;
    writeLocalCopy({ postId: optsRef.current.postId, baseVersion: version.current, fields, at: Date.now() });
  }, []);

  const flushRef = useRef<() => Promise<boolean>>(async () => true);

  const schedule = useCallback((delay = DEBOUNCE_MS) => {
    if (timer.current) clearTimeout(timer.current);
    const waited = firstQueuedAt.current ? Date.now() - firstQueuedAt.current : 0;
    timer.current = setTimeout(
      () => void flushRef.current(),
      Math.max(0, Math.min(delay, MAX_WAIT_MS - waited)),
    );
  }, []);

  const flush = useCallback(async (): Promise<boolean> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    while (inflight.current) await inflight.current;
    if (conflictRef.current || !optsRef.current.enabled) return false;
    const fields = pending.current;
    if (!fields) return true;
    pending.current = null;
    sending.current = fields;
    firstQueuedAt.current = null;
    setState("saving");
    const run = (async () => {
      try {
        const result = await optsRef.current.save({
          id: optsRef.current.postId,
          baseVersion: version.current,
          ...fields,
        });
        sending.current = null;
        retryDelay.current = 1_000;
        setErrorText(null);
        if (result.ok) {
          version.current = result.post.version;
          optsRef.current.onSaved(result.post);
          if (pending.current) {
            persistLocal();
            setState("dirty");
            schedule();
          } else {
            clearLocalCopy(optsRef.current.postId);
            setState("saved");
            setSavedAt(new Date());
          }
          return true;
        }
        // Someone saved first: keep everything this tab has and let the writer decide.
        pending.current = { ...fields, ...(pending.current ?? {}) };
        persistLocal();
        const next: Conflict = {
          mine: { ...pending.current, ...optsRef.current.snapshot() },
          theirs: result.conflict,
        };
        conflictRef.current = next;
        setConflict(next);
        setState("conflict");
        return false;
      } catch (error) {
        sending.current = null;
        pending.current = { ...fields, ...(pending.current ?? {}) };
        persistLocal();
        const retry = isRetryable(error);
        if (!retry) {
          setState("error");
          setErrorText(error instanceof Error ? error.message : "Couldn't save.");
          return false;
        }
        setState(retry.offline ? "offline" : "error");
        setErrorText(null);
        const delay = retryDelay.current;
        retryDelay.current = Math.min(delay * 2, 15_000);
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => void flushRef.current(), delay);
        return false;
      }
    })();
    inflight.current = run;
    try {
      return await run;
    } finally {
      inflight.current = null;
    }
  }, [persistLocal, schedule]);
  flushRef.current = flush;

  /** Queues changed fields; they are saved after a short pause. */
  const queue = useCallback(
    (fields: PendingFields) => {
      pending.current = { ...(pending.current ?? {}), ...fields };
      firstQueuedAt.current ??= Date.now();
      if (!conflictRef.current)
        setState((s) => (s === "offline" || s === "error" || s === "saving" ? s : "dirty"));
      if (!localTimer.current) localTimer.current = setTimeout(persistLocal, LOCAL_COPY_MS);
      if (!conflictRef.current) schedule();
    },
    [persistLocal, schedule],
  );

  /** After a conflict is resolved: continue from `theirs.version` with `fields` still to save (or none). */
  const resolveConflict = useCallback(
    (baseVersion: number, fields: PendingFields | null) => {
      conflictRef.current = null;
      setConflict(null);
      version.current = baseVersion;
      pending.current = fields;
      if (fields) {
        persistLocal();
        void flushRef.current();
      } else {
        clearLocalCopy(optsRef.current.postId);
        setState("saved");
      }
    },
    [persistLocal],
  );

  /** Opens the conflict view for a local copy made on an older version (found at load). */
  const openConflict = useCallback((next: Conflict, fields: PendingFields) => {
    pending.current = fields;
    conflictRef.current = next;
    setConflict(next);
    setState("conflict");
  }, []);

  // Back online: retry at once instead of waiting for the back-off.
  useEffect(() => {
    const online = () => {
      retryDelay.current = 1_000;
      if (pending.current && !conflictRef.current) void flushRef.current();
    };
    const hide = () => persistLocal();
    window.addEventListener("online", online);
    window.addEventListener("pagehide", hide);
    return () => {
      window.removeEventListener("online", online);
      window.removeEventListener("pagehide", hide);
    };
  }, [persistLocal]);

  // Leaving with unsaved changes: the local copy has them, but say so.
  useEffect(() => {
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (pending.current || sending.current) {
        persistLocal();
        e.preventDefault();
      }
    };
    window.addEventListener("beforeunload", beforeUnload);
    return () => window.removeEventListener("beforeunload", beforeUnload);
  }, [persistLocal]);

  return {
    state,
    savedAt,
    conflict,
    errorText,
    queue,
    flush,
    resolveConflict,
    openConflict,
    version: () => version.current,
    setVersion: (v: number) => {
      version.current = v;
    },
    hasUnsaved: () => Boolean(pending.current || sending.current),
  };
}
