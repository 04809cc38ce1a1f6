"use client";

import { useState } from "react";
import type { PostStatus } from "@/server/db/models";
import { Button } from "../ui/button";
import { Label } from "../ui/field";
import { StatusMessage } from "../ui/status";
import { Dialog } from "./dialog";

/** `YYYY-MM-DDTHH:mm` in the browser's time zone, for <input type="datetime-local">. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function defaultScheduleTime(now = new Date()): Date {
  const d = new Date(now);
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return d;
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });

export type PublishAction =
  | { kind: "publish" }
  | { kind: "schedule"; at: Date }
  | { kind: "unpublish" }
  | { kind: "cancelSchedule" }
  | { kind: "unarchive" };

/** Publish now or schedule (date and time in the writer's own time zone); unpublish; cancel a schedule. */
export function PublishDialog({
  open,
  onClose,
  status,
  publishAt,
  type,
  busy,
  error,
  onAction,
  liveUrl,
}: {
  open: boolean;
  onClose: () => void;
  status: PostStatus;
  publishAt: Date | null;
  type: "post" | "page";
  busy: boolean;
  error: string | null;
  onAction: (action: PublishAction) => void;
  /** The published post on the blog. */
  liveUrl?: string;
}) {
  const [mode, setMode] = useState<"now" | "later">(status === "scheduled" ? "later" : "now");
  const [local, setLocal] = useState(() => toLocalInput(publishAt ?? defaultScheduleTime()));
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const at = new Date(local);
  const valid = !Number.isNaN(at.getTime()) && at.getTime() > Date.now();

  if (status === "published") {
    return (
      <Dialog
        open={open}
        onClose={onClose}
        title={`This ${type} is live`}
        description="Edits go live as they are saved. Unpublishing takes it off your blog and the feed; it stays here as a draft."
        footer={
          <>
            <Button variant="ghost" onClick={onClose}>
              Keep it live
            </Button>
            <Button variant="danger" loading={busy} onClick={() => onAction({ kind: "unpublish" })}>
              Unpublish
            </Button>
          </>
        }
      >
        {liveUrl ? (
          <a
            href={liveUrl}
            target="_blank"
            rel="noopener"
            className="block truncate text-sm font-medium text-accent hover:underline"
          >
            {liveUrl.replace(/^https?:\/\//, "")} ↗
          </a>
        ) : null}
        <StatusMessage tone="error" className={liveUrl ? "mt-3" : undefined}>
          {error}
        </StatusMessage>
      </Dialog>
    );
  }
  if (status === "archived") {
    return (
      <Dialog
        open={open}
        onClose={onClose}
        title={`This ${type} is archived`}
        description="Move it back to drafts to edit and publish it again."
        footer={
          <Button loading={busy} onClick={() => onAction({ kind: "unarchive" })}>
            Move to drafts
          </Button>
        }
      >
        <StatusMessage tone="error">{error}</StatusMessage>
      </Dialog>
    );
  }
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={status === "scheduled" ? "Scheduled" : `Ready to publish your ${type}?`}
      description={
        status === "scheduled" && publishAt
          ? `Goes live ${when.format(publishAt)}.`
          : "Publish it now, or pick a moment for it to go live."
      }
      footer={
        <>
          {status === "scheduled" ? (
            <Button variant="ghost" loading={busy} onClick={() => onAction({ kind: "cancelSchedule" })}>
              Cancel schedule
            </Button>
          ) : (
            <Button variant="ghost" onClick={onClose}>
              Not yet
            </Button>
          )}
          {mode === "now" ? (
            <Button loading={busy} loadingText="Publishing…" onClick={() => onAction({ kind: "publish" })}>
              Publish now
            </Button>
          ) : (
            <Button loading={busy} disabled={!valid} onClick={() => onAction({ kind: "schedule", at })}>
              {status === "scheduled" ? "Reschedule" : "Schedule"}
            </Button>
          )}
        </>
      }
    >
      <fieldset className="space-y-3">
        <legend className="sr-only">When</legend>
        {(["now", "later"] as const).map((m) => (
          <label
            key={m}
            className="flex cursor-pointer items-start gap-3 rounded-lg border border-line p-3 has-[:checked]:border-accent has-[:checked]:bg-accent-soft/40"
          >
            <input
              type="radio"
              name="publish-when"
              className="mt-1 accent-[var(--color-accent)]"
              checked={mode === m}
              onChange={() => setMode(m)}
            />
            <span className="min-w-0 flex-1">
              <span className="block text-sm font-medium text-ink">
                {m === "now" ? "Publish now" : "Schedule for later"}
              </span>
              <span className="block text-xs text-muted">
                {m === "now"
                  ? "On your blog and in the feed right away."
                  : "It goes live on its own at that moment."}
              </span>
              {m === "later" && mode === "later" ? (
                <span className="mt-3 block">
                  <Label htmlFor="publish-at">Date and time</Label>
                  <input
                    id="publish-at"
                    type="datetime-local"
                    value={local}
                    min={toLocalInput(new Date())}
                    onChange={(e) => setLocal(e.target.value)}
                    className="mt-1.5 block h-10 w-full rounded-lg border border-line-strong bg-surface px-3 text-sm text-ink focus:border-accent focus:outline-none"
                  />
                  <span className="mt-1.5 block text-xs text-muted">
                    Your time zone: {zone}
                    {valid ? ` · ${when.format(at)}` : " · pick a time in the future"}
                  </span>
                </span>
              ) : null}
            </span>
          </label>
        ))}
      </fieldset>
      <StatusMessage tone="error" className="mt-3">
        {error}
      </StatusMessage>
    </Dialog>
  );
}
