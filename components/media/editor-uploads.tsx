"use client";

import { type ComponentProps, useCallback } from "react";
import type { ImageAttrs } from "../editor/insert-dialogs";
import { PostEditor } from "../editor/post-editor";
import { UploadProgressList, useUploadTracker } from "./upload-queue";
import { useMediaUpload } from "./use-media-upload";

/**
 * The studio editor with image uploads (button in the image dialog, paste, drop, cover): each
 * file goes into the blog's media library and is inserted with its responsive sizes; progress
 * shows in a corner panel while it uploads and while the sizes are made.
 */
export function PostEditorWithUploads(props: Omit<ComponentProps<typeof PostEditor>, "uploadImage">) {
  const upload = useMediaUpload();
  const { items, track, dismiss } = useUploadTracker();
  const uploadImage = useCallback(
    async (file: File): Promise<ImageAttrs> => {
      const media = await track(file, (onPhase) => upload(file, onPhase));
      if (!media.url) throw new Error("That image has no sizes yet. Please try again.");
      return {
        src: media.url,
        width: media.width,
        height: media.height,
        mediaId: media.id,
        ...(media.alt ? { alt: media.alt } : {}),
      };
    },
    [track, upload],
  );
  return (
    <>
      <PostEditor {...props} uploadImage={uploadImage} />
      {items.length ? (
        <div
          className="fixed right-4 bottom-4 z-50 w-80 max-w-[calc(100vw-2rem)]"
          data-testid="upload-progress"
        >
          <UploadProgressList items={items} onDismiss={dismiss} />
        </div>
      ) : null}
    </>
  );
}
