"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type DragEvent, useCallback, useRef, useState } from "react";
import { messageOf } from "../forms/errors";
import { useDebounced } from "../new-blog/use-debounced";
import { useTRPC } from "../trpc/client";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { EmptyState } from "../ui/empty-state";
import { Input } from "../ui/field";
import { Spinner } from "../ui/spinner";
import { StatusMessage } from "../ui/status";
import { ACCEPT_ATTRIBUTE, formatBytes } from "./upload-file";
import { UploadProgressList, useUploadQueue } from "./upload-queue";
import { type MediaItemDto, useMediaUpload } from "./use-media-upload";

const uploadIcon = (
  <svg viewBox="0 0 24 24" aria-hidden="true" className="size-6 fill-none stroke-current stroke-2">
    <path
      d="M12 16V4m0 0-4 4m4-4 4 4M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  </svg>
);

/** The blog's images: upload (button or drop), search by name, usage, delete what nothing uses. */
export function MediaLibrary({ userId, canDeleteAny }: { userId: string; canDeleteAny: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [query, setQuery] = useState("");
  const debounced = useDebounced(query.trim(), 250);
  const list = useQuery(trpc.media.list.queryOptions({ query: debounced || undefined }));
  const remove = useMutation(trpc.media.delete.mutationOptions());
  const [status, setStatus] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const upload = useMediaUpload();

  const refresh = useCallback(
    () => queryClient.invalidateQueries({ queryKey: trpc.media.list.pathKey() }),
    [queryClient, trpc],
  );
  const queue = useUploadQueue(upload, refresh);

  function onDrop(e: DragEvent<HTMLDivElement>) {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) queue.add(e.dataTransfer.files);
  }

  async function onDelete(item: MediaItemDto) {
    setStatus(null);
    try {
      await remove.mutateAsync({ mediaId: item.id });
      setStatus({ tone: "success", text: `Deleted ${item.filename}.` });
      await refresh();
    } catch (error) {
      setStatus({ tone: "error", text: messageOf(error, "Couldn't delete that image.") });
    }
  }

  const items = list.data?.items ?? [];
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the drop zone is a convenience; the Upload button does the same
    <div
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node)) setDragging(false);
      }}
      onDrop={onDrop}
      className={cn(
        "relative rounded-card transition-shadow",
        dragging && "ring-2 ring-accent ring-offset-4 ring-offset-paper",
      )}
    >
      <div className="mb-5 flex flex-col gap-3 sm:flex-row sm:items-center">
        <div className="relative flex-1">
          <label htmlFor="media-search" className="sr-only">
            Search images by name
          </label>
          <svg
            viewBox="0 0 20 20"
            aria-hidden="true"
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 fill-none stroke-muted stroke-2"
          >
            <circle cx="9" cy="9" r="5.5" />
            <path d="m13.5 13.5 3.5 3.5" strokeLinecap="round" />
          </svg>
          <Input
            id="media-search"
            type="search"
            placeholder="Search by file name"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className="pl-9"
          />
        </div>
        <input
          ref={fileInput}
          type="file"
          accept={ACCEPT_ATTRIBUTE}
          multiple
          className="sr-only"
          tabIndex={-1}
          aria-label="Choose images to upload"
          data-testid="media-file-input"
          onChange={(e) => {
            if (e.target.files?.length) queue.add(e.target.files);
            e.target.value = "";
          }}
        />
        <Button onClick={() => fileInput.current?.click()} className="shrink-0">
          {uploadIcon}
          Upload images
        </Button>
      </div>

      <div className="mb-5 space-y-3">
        <StatusMessage tone={status?.tone ?? "success"}>{status?.text}</StatusMessage>
        <UploadProgressList items={queue.items} onDismiss={queue.dismiss} />
      </div>

      {list.isPending ? (
        <p className="flex items-center gap-2 py-10 text-sm text-muted">
          <Spinner /> Loading your images…
        </p>
      ) : list.isError ? (
        <StatusMessage tone="error">{messageOf(list.error, "Couldn't load your images.")}</StatusMessage>
      ) : items.length === 0 ? (
        debounced ? (
          <EmptyState title="No images match">
            Nothing is named like “{debounced}”. Try another word.
          </EmptyState>
        ) : (
          <EmptyState
            title="No images yet"
            icon={uploadIcon}
            action={<Button onClick={() => fileInput.current?.click()}>Upload images</Button>}
          >
            Drop images here or upload them. Each is resized once for every screen and served fast; up to 10
            MB, JPEG, PNG, WebP, GIF or AVIF.
          </EmptyState>
        )
      ) : (
        <>
          <p className="mb-3 text-sm text-muted">
            {list.data.total} {list.data.total === 1 ? "image" : "images"}
            {debounced ? ` matching “${debounced}”` : ""} · drop files anywhere here to upload
          </p>
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4 lg:grid-cols-4">
            {items.map((item) => (
              <MediaCard
                key={item.id}
                item={item}
                canDelete={canDeleteAny || item.uploaderId === userId}
                deleting={remove.isPending && remove.variables?.mediaId === item.id}
                onDelete={() => onDelete(item)}
              />
            ))}
          </ul>
        </>
      )}

      {dragging ? (
        <div className="pointer-events-none absolute inset-0 flex items-center justify-center rounded-card bg-accent-soft/80 text-lg font-semibold text-accent">
          Drop to upload
        </div>
      ) : null}
    </div>
  );
}

function MediaCard({
  item,
  canDelete,
  deleting,
  onDelete,
}: {
  item: MediaItemDto;
  canDelete: boolean;
  deleting: boolean;
  onDelete: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [copied, setCopied] = useState(false);
  const used = item.usage > 0;
  return (
    <li className="group flex flex-col overflow-hidden rounded-card border border-line bg-surface shadow-card">
      <div className="relative aspect-[4/3] bg-stone-100">
        {item.thumbUrl ? (
          // biome-ignore lint/performance/noImgElement: stored variants are already resized; srcset picks one
          <img
            src={item.thumbUrl}
            srcSet={item.srcset}
            sizes="(min-width: 1024px) 220px, (min-width: 640px) 30vw, 45vw"
            alt={item.alt || item.filename}
            loading="lazy"
            decoding="async"
            className="size-full object-cover"
          />
        ) : null}
        <span className="absolute top-2 left-2">
          {used ? (
            <Badge tone="accent" className="bg-white/95">
              Used in {item.usage}
            </Badge>
          ) : (
            <Badge className="bg-white/95">Unused</Badge>
          )}
        </span>
      </div>
      <div className="flex flex-1 flex-col gap-1 p-3">
        <p className="truncate text-sm font-medium text-ink" title={item.filename}>
          {item.filename}
        </p>
        <p className="text-xs text-muted tabular-nums">
          {item.width}×{item.height} · {formatBytes(item.size)}
        </p>
        <div className="mt-auto flex items-center gap-1 pt-2">
          <button
            type="button"
            className="rounded-md px-2 py-1 text-xs font-medium text-ink-soft hover:bg-stone-100 hover:text-ink"
            onClick={() => {
              if (!item.url) return;
              void navigator.clipboard?.writeText(item.url).then(() => {
                setCopied(true);
                setTimeout(() => setCopied(false), 1500);
              });
            }}
          >
            {copied ? "Copied" : "Copy link"}
          </button>
          {canDelete && !used ? (
            confirming ? (
              <span className="ml-auto flex items-center gap-1">
                <button
                  type="button"
                  className="rounded-md bg-danger px-2 py-1 text-xs font-medium text-white hover:bg-red-800 disabled:opacity-60"
                  onClick={onDelete}
                  disabled={deleting}
                >
                  {deleting ? "Deleting…" : "Delete"}
                </button>
                <button
                  type="button"
                  className="rounded-md px-2 py-1 text-xs text-muted hover:bg-stone-100"
                  onClick={() => setConfirming(false)}
                >
                  Keep
                </button>
              </span>
            ) : (
              <button
                type="button"
                className="ml-auto rounded-md px-2 py-1 text-xs font-medium text-danger hover:bg-danger-soft"
                onClick={() => setConfirming(true)}
                aria-label={`Delete ${item.filename}`}
              >
                Delete
              </button>
            )
          ) : null}
        </div>
      </div>
    </li>
  );
}
