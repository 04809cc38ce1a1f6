"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { messageOf } from "../forms/errors";
import { useTRPC } from "../trpc/client";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "../ui/card";
import { StatusMessage } from "../ui/status";
import { ACCEPT_ATTRIBUTE } from "./upload-file";
import { UploadProgressList, useUploadQueue } from "./upload-queue";
import { type MediaItemDto, useMediaUpload } from "./use-media-upload";

/** The blog's logo (owners): uploaded into the media library, shown in the reader's header. */
export function LogoField({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logo = useQuery(trpc.media.logo.queryOptions());
  const setLogo = useMutation(trpc.media.setLogo.mutationOptions());
  const upload = useMediaUpload();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<{ tone: "success" | "error"; text: string } | null>(null);

  async function apply(mediaId: string | null) {
    setStatus(null);
    try {
      await setLogo.mutateAsync({ mediaId });
      await queryClient.invalidateQueries({ queryKey: trpc.media.logo.pathKey() });
      setStatus({ tone: "success", text: mediaId ? "Logo updated." : "Logo removed." });
    } catch (error) {
      setStatus({ tone: "error", text: messageOf(error, "Couldn't change the logo.") });
    }
  }

  const queue = useUploadQueue(upload, (item: MediaItemDto) => void apply(item.id));
  const url = logo.data?.logoUrl ?? null;

  return (
    <Card>
      <CardHeader>
        <CardTitle>Logo</CardTitle>
        <p className="mt-0.5 text-sm text-muted">
          Shown at the top of your blog. A square or wide image works best.
        </p>
      </CardHeader>
      <CardBody className="space-y-4">
        <div className="flex flex-wrap items-center gap-5">
          <div className="flex h-16 w-40 items-center justify-center overflow-hidden rounded-lg border border-dashed border-line-strong bg-stone-50">
            {url ? (
              // biome-ignore lint/performance/noImgElement: a stored ≤ 640 px variant
              <img
                src={url}
                alt="Current logo"
                data-testid="blog-logo"
                className="max-h-full max-w-full object-contain"
              />
            ) : (
              <span className="text-xs text-muted">No logo</span>
            )}
          </div>
          {canEdit ? (
            <div className="flex gap-2">
              <input
                ref={input}
                type="file"
                accept={ACCEPT_ATTRIBUTE}
                className="sr-only"
                tabIndex={-1}
                aria-label="Choose a logo"
                onChange={(e) => {
                  if (e.target.files?.[0]) queue.add([e.target.files[0]]);
                  e.target.value = "";
                }}
              />
              <Button variant="secondary" onClick={() => input.current?.click()}>
                {url ? "Replace logo" : "Upload logo"}
              </Button>
              {url ? (
                <Button variant="ghost" loading={setLogo.isPending} onClick={() => apply(null)}>
                  Remove
                </Button>
              ) : null}
            </div>
          ) : (
            <p className="text-sm text-muted">Only the blog's owner can change the logo.</p>
          )}
        </div>
        <UploadProgressList items={queue.items} onDismiss={queue.dismiss} />
        <StatusMessage tone={status?.tone ?? "success"}>{status?.text}</StatusMessage>
      </CardBody>
    </Card>
  );
}
