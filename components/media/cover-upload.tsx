"use client";

import { useRef, useState } from "react";
import type { UploadImage } from "../editor/insert-dialogs";
import { Button } from "../ui/button";
import { ACCEPT_ATTRIBUTE } from "./upload-file";

/** "Upload cover image" under the cover field of the post settings; progress shows in the editor's upload panel. */
export function CoverUpload({
  uploadImage,
  onUploaded,
}: {
  uploadImage: UploadImage;
  onUploaded: (url: string) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  return (
    <div>
      <input
        ref={input}
        type="file"
        accept={ACCEPT_ATTRIBUTE}
        className="sr-only"
        tabIndex={-1}
        aria-label="Choose a cover image"
        data-testid="cover-file-input"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (!file) return;
          setBusy(true);
          setError("");
          try {
            onUploaded((await uploadImage(file)).src);
          } catch (err) {
            setError(err instanceof Error ? err.message : "Couldn't upload that image.");
          } finally {
            setBusy(false);
          }
        }}
      />
      <Button
        variant="secondary"
        size="sm"
        loading={busy}
        loadingText="Uploading…"
        onClick={() => input.current?.click()}
      >
        Upload cover image
      </Button>
      {error ? <p className="mt-1.5 text-sm text-danger">{error}</p> : null}
    </div>
  );
}
