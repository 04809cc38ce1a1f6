"use client";

import { useState } from "react";
import { messageOf } from "../forms/errors";
import { useTRPCClient } from "../trpc/client";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { StatusMessage } from "../ui/status";
import { Dialog } from "./dialog";

const until = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/**
 * The post exactly as readers will see it (the reader's own page template and CSS around the
 * stored HTML, in an iframe), at desktop or phone width, plus the shareable preview link.
 */
export function PreviewDialog({
  open,
  onClose,
  src,
  postId,
  hasLink,
  readOnly,
}: {
  open: boolean;
  onClose: () => void;
  src: string;
  postId: string;
  hasLink: boolean;
  readOnly: boolean;
}) {
  const client = useTRPCClient();
  const [device, setDevice] = useState<"desktop" | "phone">("desktop");
  const [link, setLink] = useState<{ url: string; expiresAt: Date } | null>(null);
  const [linkLive, setLinkLive] = useState(hasLink);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);

  const create = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const r = await client.posts.createPreviewLink.mutate({ id: postId });
      const url = `${window.location.origin}${r.path}`;
      setLink({ url, expiresAt: new Date(r.expiresAt) });
      setLinkLive(true);
      await navigator.clipboard?.writeText(url).catch(() => undefined);
    } catch (err) {
      setMessage({ tone: "error", text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };
  const revoke = async () => {
    setBusy(true);
    try {
      await client.posts.revokePreviewLinks.mutate({ id: postId });
      setLink(null);
      setLinkLive(false);
      setMessage({ tone: "success", text: "Every preview link of this post has stopped working." });
    } catch (err) {
      setMessage({ tone: "error", text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      wide
      title="Preview"
      description="Exactly as readers will see it on your blog."
    >
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <fieldset
          aria-label="Preview width"
          className="inline-flex rounded-lg border border-line bg-paper p-0.5"
        >
          {(["desktop", "phone"] as const).map((d) => (
            <button
              key={d}
              type="button"
              aria-pressed={device === d}
              onClick={() => setDevice(d)}
              className={cn(
                "rounded-md px-3 py-1 text-sm font-medium capitalize",
                device === d ? "bg-surface text-ink shadow-card" : "text-muted hover:text-ink",
              )}
            >
              {d}
            </button>
          ))}
        </fieldset>
        {!readOnly ? (
          <div className="flex flex-wrap items-center gap-2">
            {link ? (
              <span className="flex min-w-0 items-center gap-2 text-sm">
                <input
                  readOnly
                  value={link.url}
                  aria-label="Preview link"
                  onFocus={(e) => e.target.select()}
                  className="h-8 w-64 min-w-0 rounded-md border border-line-strong bg-surface px-2 text-xs text-ink"
                />
                <span className="text-xs text-muted">
                  Copied · valid until {until.format(link.expiresAt)}
                </span>
              </span>
            ) : null}
            <Button size="sm" variant="secondary" loading={busy} onClick={create}>
              {link ? "New link" : "Get a preview link"}
            </Button>
            {linkLive ? (
              <Button size="sm" variant="ghost" disabled={busy} onClick={revoke}>
                Revoke links
              </Button>
            ) : null}
          </div>
        ) : null}
      </div>
      <StatusMessage tone={message?.tone ?? "success"} className="mb-3">
        {message?.text}
      </StatusMessage>
      <div className="flex justify-center rounded-lg bg-stone-100 p-2">
        <iframe
          title="Post preview"
          src={src}
          className={cn(
            "h-[68dvh] rounded-md border border-line bg-white transition-[width]",
            device === "phone" ? "w-[390px]" : "w-full",
          )}
        />
      </div>
    </Dialog>
  );
}
