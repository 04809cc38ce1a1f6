"use client";

import type { JSONContent } from "@tiptap/core";
import type { EditorProps } from "@tiptap/pm/view";
import { EditorContent, useEditor } from "@tiptap/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type CSSProperties, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { PostStatus } from "@/server/db/models";
import type { EditorPost } from "@/server/services/posts/post-dto";
import { messageOf } from "../forms/errors";
import { PostPipeline } from "../pipeline/post-pipeline";
import { PostStatusBadge } from "../studio/post-status";
import { useTRPCClient } from "../trpc/client";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { StatusMessage } from "../ui/status";
import { ConflictView } from "./conflict-view";
import { Dialog } from "./dialog";
import { editorExtensions } from "./extensions";
import { EmbedDialog, ImageDialog, insertImage, type UploadImage } from "./insert-dialogs";
import { clearLocalCopy, type PendingFields, readLocalCopy } from "./local-copy";
import { mergeDocuments } from "./merge";
import { PreviewDialog } from "./preview-dialog";
import { type PublishAction, PublishDialog } from "./publish-dialog";
import { RevisionsPanel } from "./revisions-panel";
import { SaveIndicator } from "./save-indicator";
import { type PanelValues, SidePanel } from "./side-panel";
import { createSlashStore, slashItems } from "./slash-commands";
import { SlashMenu } from "./slash-menu";
import { FormattingToolbar, ImageToolbar } from "./toolbar";
import { useAutosave } from "./use-autosave";
import "./editor.css";

type DialogName = "image" | "embed" | "settings" | "publish" | "revisions" | "preview" | "delete";

const WORDS_PER_MINUTE = 230;
const scheduledFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function panelValues(p: EditorPost): PanelValues {
  return {
    slug: p.slug,
    tags: p.tags,
    excerpt: p.excerpt,
    customExcerpt: p.customExcerpt,
    coverUrl: p.coverUrl,
    coverAlt: p.coverAlt,
    featured: p.featured,
    authorIds: p.authorIds,
    type: p.type,
  };
}

function Icon({ d, className }: { d: string; className?: string }) {
  return (
    <svg
      viewBox="0 0 20 20"
      aria-hidden="true"
      className={cn("size-[1.125rem] fill-none stroke-current stroke-[1.6]", className)}
    >
      <path d={d} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
const icons = {
  back: "M12.5 4.5 7 10l5.5 5.5",
  eye: "M1.5 10s3-6 8.5-6 8.5 6 8.5 6-3 6-8.5 6-8.5-6-8.5-6Zm8.5 2.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5Z",
  history: "M3 10a7 7 0 1 0 2-4.9M3 3v3.5h3.5M10 6v4l2.5 2",
  settings: "M3 5h9m3 0h2M3 10h3m3 0h8M3 15h7m3 0h4M12 3.5v3M6 8.5v3M10 13.5v3",
};

/**
 * The studio editor: a title, the Tiptap body (slash commands, floating toolbar, shortcuts),
 * autosave with a visible state and a local copy, conflicts shown side by side, settings,
 * publishing and scheduling, revisions and the reader-identical preview.
 */
export function PostEditor({
  blog,
  initial,
  members,
  uploadImage,
}: {
  blog: { slug: string; url: string };
  initial: EditorPost & { canEdit: boolean };
  members: { id: string; name: string; role: string }[];
  /** Media issue: uploads for the image dialog, paste and drop (see insert-dialogs.tsx). */
  uploadImage?: UploadImage;
}) {
  const client = useTRPCClient();
  const router = useRouter();
  const readOnly = !initial.canEdit;
  const [title, setTitle] = useState(initial.title);
  const titleRef = useRef(initial.title);
  const [panel, setPanel] = useState<PanelValues>(() => panelValues(initial));
  const [lifecycle, setLifecycle] = useState<{
    status: PostStatus;
    publishAt: Date | null;
    publishedAt: Date | null;
  }>({
    status: initial.status,
    publishAt: initial.publishAt,
    publishedAt: initial.publishedAt,
  });
  const [words, setWords] = useState(initial.wordCount);
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<ReactNode>(null);
  const [previewVersion, setPreviewVersion] = useState(initial.version);
  const [linkRequest, setLinkRequest] = useState(0);
  const slashStore = useMemo(createSlashStore, []);
  const dialogRef = useRef<(d: DialogName) => void>(() => {});
  dialogRef.current = setDialog;
  const items = useMemo(
    () => slashItems({ image: () => dialogRef.current("image"), embed: () => dialogRef.current("embed") }),
    [],
  );

  const autosaveRef = useRef<ReturnType<typeof useAutosave> | null>(null);
  const embedFromPaste = useRef<(url: string) => void>(() => {});
  const uploadRef = useRef(uploadImage);
  uploadRef.current = uploadImage;

  // Stable across renders: useEditor reconfigures the editor whenever an option changes identity.
  const extensions = useMemo(
    () => editorExtensions({ slashStore, slashItems: () => items }),
    [slashStore, items],
  );
  const editorProps = useMemo<EditorProps>(
    () => ({
      attributes: {
        "aria-label": "Post body",
        "aria-multiline": "true",
        role: "textbox",
        spellcheck: "true",
      },
      handlePaste: (view, event) => {
        const files = [...(event.clipboardData?.files ?? [])].filter((f) => f.type.startsWith("image/"));
        if (files.length && uploadRef.current) {
          const upload = uploadRef.current;
          for (const file of files)
            void upload(file).then((attrs) => editorRef.current && insertImage(editorRef.current, attrs));
          return true;
        }
        const text = event.clipboardData?.getData("text/plain").trim() ?? "";
        const { $from, empty } = view.state.selection;
        // A bare link pasted on an empty line becomes a link card.
        if (
          /^https?:\/\/\S+$/i.test(text) &&
          empty &&
          $from.parent.type.name === "paragraph" &&
          $from.parent.content.size === 0
        ) {
          embedFromPaste.current(text);
          return true;
        }
        return false;
      },
      handleDrop: (_view, event) => {
        const files = [...(event.dataTransfer?.files ?? [])].filter((f) => f.type.startsWith("image/"));
        if (!files.length || !uploadRef.current) return false;
        const upload = uploadRef.current;
        for (const file of files)
          void upload(file).then((attrs) => editorRef.current && insertImage(editorRef.current, attrs));
        return true;
      },
    }),
    [],
  );
  const editor = useEditor({
    extensions,
    content: initial.content as JSONContent,
    editable: !readOnly,
    immediatelyRender: false,
    editorProps,
    onUpdate: ({ editor: e }) => {
      setWords(e.storage.characterCount.words());
      autosaveRef.current?.queue({ title: titleRef.current, content: e.getJSON() });
    },
  });
  const editorRef = useRef(editor);
  editorRef.current = editor;

  const autosave = useAutosave({
    postId: initial.id,
    initialVersion: initial.version,
    // The document's shape is checked on the server (zod, then the schema).
    save: (input) => client.posts.save.mutate(input as Parameters<typeof client.posts.save.mutate>[0]),
    snapshot: () => ({ title: titleRef.current, content: editorRef.current?.getJSON() ?? initial.content }),
    onSaved: (post) => {
      setPanel((p) => ({ ...p, slug: post.slug, excerpt: post.excerpt, tags: post.tags }));
      setWords(post.wordCount);
    },
    enabled: !readOnly,
  });
  autosaveRef.current = autosave;

  embedFromPaste.current = (url: string) => {
    const e = editorRef.current;
    if (!e) return;
    setNotice("Making a card for that link…");
    client.posts.embed
      .mutate({ url })
      .then((card) => e.chain().focus().insertContent({ type: "embed", attrs: card }).run())
      .catch(() =>
        e
          .chain()
          .focus()
          .insertContent({ type: "text", text: url, marks: [{ type: "link", attrs: { href: url } }] })
          .run(),
      )
      .finally(() => setNotice(null));
  };

  // A local copy from an earlier visit (offline, crash, reload mid-save): save it, or show the conflict.
  const reconciled = useRef(false);
  useEffect(() => {
    if (!editor || reconciled.current || readOnly) return;
    reconciled.current = true;
    const copy = readLocalCopy(initial.id);
    if (!copy) return;
    const same =
      (copy.fields.content === undefined ||
        JSON.stringify(copy.fields.content) === JSON.stringify(initial.content)) &&
      (copy.fields.title === undefined || copy.fields.title === initial.title);
    const onlyBody = Object.keys(copy.fields).every((k) => k === "title" || k === "content");
    if (same && onlyBody) {
      clearLocalCopy(initial.id);
      return;
    }
    if (copy.baseVersion === initial.version) {
      if (copy.fields.content !== undefined)
        editor.commands.setContent(copy.fields.content as JSONContent, { emitUpdate: false });
      if (copy.fields.title !== undefined) {
        titleRef.current = copy.fields.title;
        setTitle(copy.fields.title);
      }
      setPanel((p) => ({ ...p, ...(copy.fields as Partial<PanelValues>) }));
      setNotice("Recovered changes that hadn't reached the server yet — saving them now.");
      autosave.queue(copy.fields);
      void autosave.flush().then(() => setTimeout(() => setNotice(null), 4000));
      return;
    }
    autosave.openConflict(
      {
        mine: {
          ...copy.fields,
          title: copy.fields.title ?? initial.title,
          content: copy.fields.content ?? initial.content,
        },
        theirs: initial,
      },
      copy.fields,
    );
  }, [editor, initial, readOnly, autosave]);

  const changeTitle = (value: string) => {
    titleRef.current = value;
    setTitle(value);
    autosave.queue({ title: value, content: editorRef.current?.getJSON() ?? initial.content });
  };

  const changePanel = useCallback(
    (patch: Partial<PanelValues>, save: PendingFields) => {
      setPanel((p) => ({ ...p, ...patch }));
      autosave.queue(save);
    },
    [autosave],
  );

  /** Saves what's pending, then runs a status change on the saved version. */
  const act = async (action: PublishAction) => {
    setBusy(true);
    setActionError(null);
    try {
      await autosave.flush();
      if (autosave.hasUnsaved())
        throw new Error("Your latest changes aren't saved yet. Check your connection and try again.");
      const base = { id: initial.id, baseVersion: autosave.version() };
      const state =
        action.kind === "publish"
          ? await client.posts.publish.mutate(base)
          : action.kind === "schedule"
            ? await client.posts.schedule.mutate({ ...base, publishAt: action.at })
            : action.kind === "unpublish"
              ? await client.posts.unpublish.mutate(base)
              : action.kind === "cancelSchedule"
                ? await client.posts.cancelSchedule.mutate(base)
                : await client.posts.unarchive.mutate(base);
      autosave.setVersion(state.version);
      setPanel((p) => ({ ...p, slug: state.slug }));
      setLifecycle({ status: state.status, publishAt: state.publishAt, publishedAt: state.publishedAt });
      setDialog(null);
      setNotice(
        action.kind === "publish" ? (
          <>
            Published. It's live on your blog.{" "}
            <a
              href={liveUrl(state.slug)}
              target="_blank"
              rel="noopener"
              className="font-medium whitespace-nowrap underline underline-offset-2"
            >
              View {panel.type === "page" ? "page" : "post"} ↗
            </a>
          </>
        ) : action.kind === "schedule" ? (
          `Scheduled for ${scheduledFormat.format(action.at)}.`
        ) : action.kind === "unpublish" ? (
          "Unpublished. It's a draft again."
        ) : action.kind === "cancelSchedule" ? (
          "Schedule cancelled. It's a draft again."
        ) : (
          "Moved back to drafts."
        ),
      );
      setTimeout(() => setNotice(null), action.kind === "publish" ? 12_000 : 5000);
    } catch (err) {
      setActionError(err instanceof Error && !("data" in err) ? err.message : messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const restore = async (revisionId: string) => {
    await autosave.flush();
    const result = await client.posts.restoreRevision.mutate({
      id: initial.id,
      revisionId,
      baseVersion: autosave.version(),
    });
    if (!result.ok) {
      const mine = { title: titleRef.current, content: editorRef.current?.getJSON() ?? initial.content };
      autosave.openConflict({ mine, theirs: result.conflict }, mine);
      setDialog(null);
      return;
    }
    const post = await client.posts.get.query({ id: initial.id });
    editorRef.current?.commands.setContent(post.content as JSONContent, { emitUpdate: false });
    titleRef.current = post.title;
    setTitle(post.title);
    setWords(post.wordCount);
    autosave.setVersion(post.version);
    setNotice("Restored. The version you replaced is kept in the history too.");
    setTimeout(() => setNotice(null), 5000);
  };

  const conflict = autosave.conflict;
  // "Mine" is whatever the editor holds when the writer decides (typing may have gone on).
  const current = () => ({
    title: titleRef.current,
    content: editorRef.current?.getJSON() ?? initial.content,
  });
  const resolveMine = () => {
    if (!conflict) return;
    autosave.resolveConflict(conflict.theirs.version, { ...conflict.mine, ...current() });
  };
  const resolveTheirs = () => {
    if (!conflict) return;
    const theirs = conflict.theirs;
    editorRef.current?.commands.setContent(theirs.content as JSONContent, { emitUpdate: false });
    titleRef.current = theirs.title;
    setTitle(theirs.title);
    setPanel(panelValues(theirs));
    setLifecycle({ status: theirs.status, publishAt: theirs.publishAt, publishedAt: theirs.publishedAt });
    setWords(theirs.wordCount);
    autosave.resolveConflict(theirs.version, null);
  };
  const resolveMerge = () => {
    if (!conflict) return;
    const mine = current();
    const merged = mergeDocuments(conflict.theirs.content, mine.content);
    editorRef.current?.commands.setContent(merged as JSONContent, { emitUpdate: false });
    autosave.resolveConflict(conflict.theirs.version, {
      title: mine.title || conflict.theirs.title,
      content: merged,
    });
  };

  const openPreview = async () => {
    await autosave.flush();
    setPreviewVersion(autosave.version());
    setDialog("preview");
  };

  const remove = async () => {
    setBusy(true);
    try {
      await client.posts.delete.mutate({ id: initial.id });
      clearLocalCopy(initial.id);
      router.push(`/studio/${blog.slug}/posts`);
      router.refresh();
    } catch (err) {
      setActionError(messageOf(err));
      setBusy(false);
    }
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const mod = e.metaKey || e.ctrlKey;
    if (mod && e.key.toLowerCase() === "s") {
      e.preventDefault();
      void autosave.flush();
    } else if (mod && e.key.toLowerCase() === "k" && editor && !editor.state.selection.empty) {
      e.preventDefault();
      setLinkRequest((n) => n + 1);
    }
  };

  const minutes = words === 0 ? 0 : Math.max(1, Math.round(words / WORDS_PER_MINUTE));
  const publishLabel =
    lifecycle.status === "published"
      ? "Published"
      : lifecycle.status === "scheduled"
        ? "Scheduled"
        : lifecycle.status === "archived"
          ? "Archived"
          : "Publish";
  const host = blog.url.replace(/^https?:\/\//, "");
  /** Where readers find this post (pages live at `/<slug>` too). */
  function liveUrl(slug: string): string {
    return `${blog.url.replace(/\/$/, "")}/${slug}`;
  }
  const kind = panel.type === "page" ? "page" : "post";

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: keyboard shortcuts for the whole editor
    <div className="post-editor -mt-4 lg:-mt-8" onKeyDown={onKeyDown}>
      <div className="sticky top-[6.25rem] z-20 -mx-4 border-b border-line bg-paper/95 px-4 py-2.5 backdrop-blur sm:-mx-8 sm:px-8 lg:top-0">
        <div className="flex items-center gap-2">
          <Link
            href={`/studio/${blog.slug}/posts`}
            className="-ml-2 flex items-center gap-1 rounded-md px-2 py-1.5 text-sm font-medium text-ink-soft hover:bg-stone-100 hover:text-ink"
          >
            <Icon d={icons.back} className="size-4" />
            <span className="hidden sm:inline">{panel.type === "page" ? "Pages" : "Posts"}</span>
          </Link>
          {/* On a phone the Publish button's label says the status; the bar keeps its room. */}
          <span className="hidden sm:contents">
            <PostStatusBadge status={lifecycle.status} />
          </span>
          <SaveIndicator
            state={readOnly ? "saved" : autosave.state}
            savedAt={autosave.savedAt}
            errorText={autosave.errorText}
          />
          <span className="ml-auto hidden text-xs whitespace-nowrap text-muted md:inline">
            {words.toLocaleString()} {words === 1 ? "word" : "words"} · {minutes} min read
          </span>
          <div className="ml-auto flex items-center gap-0.5 sm:gap-1 md:ml-2">
            <Button
              variant="ghost"
              size="sm"
              className="px-2 sm:px-3"
              onClick={openPreview}
              aria-label="Preview"
            >
              <Icon d={icons.eye} />
              <span className="hidden lg:inline">Preview</span>
            </Button>
            <Button
              variant="ghost"
              size="sm"
              className="px-2 sm:px-3"
              onClick={() => setDialog("revisions")}
              aria-label="Revisions"
            >
              <Icon d={icons.history} />
            </Button>
            <Button
              variant="ghost"
              size="sm"
              className="px-2 sm:px-3"
              onClick={() => setDialog("settings")}
              aria-label="Post settings"
            >
              <Icon d={icons.settings} />
            </Button>
            {!readOnly ? (
              <Button
                size="sm"
                variant={lifecycle.status === "draft" ? "primary" : "secondary"}
                onClick={() => {
                  setActionError(null);
                  setDialog("publish");
                }}
              >
                {publishLabel}
              </Button>
            ) : null}
          </div>
        </div>
      </div>

      <div className="mx-auto max-w-[42rem] pt-8">
        {readOnly ? (
          <StatusMessage tone="info">
            You can read this {kind}; only its authors and the blog's editors can change it.
          </StatusMessage>
        ) : null}
        <StatusMessage tone="success" className="mb-4">
          {notice}
        </StatusMessage>
        {lifecycle.status === "scheduled" && lifecycle.publishAt ? (
          <p className="mb-4 text-sm text-accent">Goes live {scheduledFormat.format(lifecycle.publishAt)}.</p>
        ) : null}
        {panel.coverUrl ? (
          // biome-ignore lint/performance/noImgElement: any URL the writer chose
          <img
            src={panel.coverUrl}
            alt={panel.coverAlt}
            className="mb-8 aspect-[16/8] w-full rounded-card object-cover"
          />
        ) : null}
        <label htmlFor="post-title" className="sr-only">
          Title
        </label>
        <textarea
          id="post-title"
          value={title}
          rows={1}
          readOnly={readOnly}
          onChange={(e) => changeTitle(e.target.value.replace(/\n/g, " "))}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              editor?.commands.focus("start");
            }
          }}
          placeholder={panel.type === "page" ? "Page title" : "Post title"}
          maxLength={300}
          style={{ fieldSizing: "content" } as CSSProperties}
          className="block w-full resize-none border-0 bg-transparent p-0 font-serif text-[2.125rem] leading-tight font-semibold tracking-tight text-ink placeholder:text-stone-300 focus:outline-none sm:text-[2.5rem]"
        />
        <p className="mt-2 mb-8 text-xs text-muted md:hidden">
          {words.toLocaleString()} {words === 1 ? "word" : "words"} · {minutes} min read
        </p>
        <div className="md:mt-8">
          <EditorContent editor={editor} />
        </div>
      </div>

      {editor ? (
        <>
          <FormattingToolbar editor={editor} linkRequest={linkRequest} />
          <ImageToolbar editor={editor} />
          <SlashMenu store={slashStore} />
          <ImageDialog
            editor={editor}
            open={dialog === "image"}
            onClose={() => setDialog(null)}
            uploadImage={uploadImage}
          />
          <EmbedDialog editor={editor} open={dialog === "embed"} onClose={() => setDialog(null)} />
        </>
      ) : null}

      <SidePanel
        open={dialog === "settings"}
        onClose={() => setDialog(null)}
        values={panel}
        onChange={changePanel}
        autoExcerpt={panel.customExcerpt ? "" : panel.excerpt}
        blogHost={host}
        members={members}
        canEditAuthors={!readOnly}
        readOnly={readOnly}
        onDelete={() => setDialog("delete")}
        uploadImage={uploadImage}
        pipeline={lifecycle.status === "published" ? <PostPipeline postId={initial.id} /> : undefined}
      />
      {dialog === "publish" ? (
        <PublishDialog
          open
          onClose={() => setDialog(null)}
          status={lifecycle.status}
          publishAt={lifecycle.publishAt}
          type={panel.type}
          busy={busy}
          error={actionError}
          onAction={act}
          liveUrl={lifecycle.status === "published" ? liveUrl(panel.slug) : undefined}
        />
      ) : null}
      <RevisionsPanel
        open={dialog === "revisions"}
        onClose={() => setDialog(null)}
        postId={initial.id}
        version={autosave.version()}
        onRestore={restore}
        readOnly={readOnly}
      />
      {dialog === "preview" ? (
        <PreviewDialog
          open
          onClose={() => setDialog(null)}
          src={`/studio/${blog.slug}/posts/${initial.id}/preview?v=${previewVersion}`}
          postId={initial.id}
          hasLink={initial.hasPreviewLink}
          readOnly={readOnly}
        />
      ) : null}
      <Dialog
        open={dialog === "delete"}
        onClose={() => setDialog(null)}
        title={`Delete this ${kind}?`}
        description="It disappears from your blog, the feed and the studio. This can't be undone here."
        footer={
          <>
            <Button variant="ghost" onClick={() => setDialog(null)}>
              Keep it
            </Button>
            <Button variant="danger" loading={busy} onClick={remove}>
              Delete
            </Button>
          </>
        }
      >
        <StatusMessage tone="error">{actionError}</StatusMessage>
      </Dialog>
      {conflict ? (
        <ConflictView
          mine={current()}
          theirs={conflict.theirs}
          onKeepMine={resolveMine}
          onKeepTheirs={resolveTheirs}
          onMerge={resolveMerge}
        />
      ) : null}
    </div>
  );
}
