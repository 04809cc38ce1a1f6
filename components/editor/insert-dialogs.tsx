"use client";

import type { Editor } from "@tiptap/core";
import { type FormEvent, useState } from "react";
import { messageOf } from "../forms/errors";
import { useTRPCClient } from "../trpc/client";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { StatusMessage } from "../ui/status";
import { Dialog } from "./dialog";

/** What an uploaded or linked image becomes in the document (see FigureImage in the shared schema). */
export interface ImageAttrs {
  src: string;
  alt?: string;
  caption?: string;
  width?: number | null;
  height?: number | null;
  /** Set for images from the media library: the renderer marks the figure with data-media-id for srcset. */
  mediaId?: string | null;
}

/** Inserts an image figure at the selection. Upload flows (media issue) call this with their result. */
export function insertImage(editor: Editor, attrs: ImageAttrs): void {
  const content = { type: "image", attrs: { alt: "", caption: "", ...attrs } };
  const { selection } = editor.state;
  // An image inserted a moment ago is still selected: put the next one after it, not over it.
  if ("node" in selection) editor.chain().focus().insertContentAt(selection.to, content).run();
  else editor.chain().focus().insertContent(content).run();
}

/**
 * Image upload hook for the media issue: pass `uploadImage` to <PostEditor> and the image dialog
 * shows an upload button, and files pasted or dropped into the editor are uploaded; each result
 * is inserted with `insertImage`.
 */
export type UploadImage = (file: File) => Promise<ImageAttrs>;

export function ImageDialog({
  editor,
  open,
  onClose,
  uploadImage,
}: {
  editor: Editor;
  open: boolean;
  onClose: () => void;
  uploadImage?: UploadImage;
}) {
  const [src, setSrc] = useState("");
  const [alt, setAlt] = useState("");
  const [caption, setCaption] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const close = () => {
    setSrc("");
    setAlt("");
    setCaption("");
    setError("");
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const url = src.trim();
    if (!/^https?:\/\/\S+$/i.test(url) && !/^\/[^/]\S*$/.test(url)) {
      setError("Paste an image address starting with https://");
      return;
    }
    insertImage(editor, { src: url, alt: alt.trim(), caption: caption.trim() });
    close();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Insert an image"
      description="From a link. Add alt text so everyone can read it."
    >
      <form id="image-form" onSubmit={submit} className="space-y-4" noValidate>
        <TextField
          name="image-src"
          label="Image address"
          value={src}
          onChange={(e) => setSrc(e.target.value)}
          placeholder="https://…"
          error={error}
          autoFocus
        />
        <TextField
          name="image-alt"
          label="Alt text"
          hint="What the image shows, for screen readers and search."
          value={alt}
          onChange={(e) => setAlt(e.target.value)}
        />
        <TextField
          name="image-caption"
          label="Caption (optional)"
          value={caption}
          onChange={(e) => setCaption(e.target.value)}
        />
        {uploadImage ? (
          <label className="block text-sm font-medium text-accent">
            Or upload a file
            <input
              type="file"
              accept="image/*"
              className="mt-1 block text-sm"
              disabled={busy}
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (!file) return;
                setBusy(true);
                try {
                  // What was typed in the dialog wins over the library's defaults.
                  const uploaded = await uploadImage(file);
                  insertImage(editor, {
                    ...uploaded,
                    ...(alt.trim() ? { alt: alt.trim() } : {}),
                    ...(caption.trim() ? { caption: caption.trim() } : {}),
                  });
                  close();
                } catch (err) {
                  setError(messageOf(err, "Couldn't upload that image."));
                } finally {
                  setBusy(false);
                }
              }}
            />
          </label>
        ) : null}
      </form>
      <div className="mt-5 flex justify-end gap-2">
        <Button variant="ghost" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" form="image-form" loading={busy}>
          Insert image
        </Button>
      </div>
    </Dialog>
  );
}

/** Paste a link, the server fetches its card once (title, description, image), and it lands in the post. */
export function EmbedDialog({
  editor,
  open,
  onClose,
}: {
  editor: Editor;
  open: boolean;
  onClose: () => void;
}) {
  const client = useTRPCClient();
  const [url, setUrl] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const close = () => {
    setUrl("");
    setError("");
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError("");
    setBusy(true);
    try {
      const card = await client.posts.embed.mutate({ url: url.trim() });
      editor.chain().focus().insertContent({ type: "embed", attrs: card }).run();
      close();
    } catch (err) {
      setError(messageOf(err, "Couldn't make a card for that link."));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Embed a link"
      description="A YouTube video, an article, a repository… becomes a card."
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField
          name="embed-url"
          label="Link"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://www.youtube.com/watch?v=…"
          autoFocus
          error={error}
        />
        <StatusMessage tone="info">{busy ? "Fetching the page's title and image…" : null}</StatusMessage>
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} loadingText="Fetching…" disabled={!url.trim()}>
            Embed
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
