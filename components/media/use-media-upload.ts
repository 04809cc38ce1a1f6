"use client";

import { useMutation } from "@tanstack/react-query";
import { useCallback } from "react";
import type { MediaItemDto } from "@/server/services/media/media-service";
import { useTRPC } from "../trpc/client";
import { type UploadPhase, uploadWithSteps } from "./upload-file";

export type { MediaItemDto };

/**
 * Uploads one image into the current blog's library (the studio's tRPC client is bound to the
 * blog): `upload(file, onPhase)` resolves with the ready image and its responsive URLs.
 * The editor's image hook and the media library both use it.
 */
export function useMediaUpload() {
  const trpc = useTRPC();
  const create = useMutation(trpc.media.createUpload.mutationOptions());
  const confirm = useMutation(trpc.media.confirm.mutationOptions());
  const { mutateAsync: createAsync } = create;
  const { mutateAsync: confirmAsync } = confirm;
  return useCallback(
    (file: File, onPhase: (phase: UploadPhase, progress: number) => void = () => {}, signal?: AbortSignal) =>
      uploadWithSteps(
        file,
        {
          create: (input) => createAsync(input),
          target: (created) => created.upload,
          confirm: (created) => confirmAsync({ mediaId: created.mediaId }),
        },
        onPhase,
        signal,
      ) as Promise<MediaItemDto>,
    [createAsync, confirmAsync],
  );
}
