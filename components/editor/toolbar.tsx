"use client";

import type { Editor } from "@tiptap/core";
import { useEditorState } from "@tiptap/react";
import { BubbleMenu } from "@tiptap/react/menus";
import { type ReactNode, useEffect, useState } from "react";
import { cn } from "../ui/cn";

function ToolButton({
  label,
  active,
  onClick,
  children,
}: {
  label: string;
  active?: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={active}
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
      className={cn(
        "flex h-8 min-w-8 items-center justify-center rounded-md px-1.5 text-sm font-semibold",
        active ? "bg-white/20 text-white" : "text-stone-200 hover:bg-white/10 hover:text-white",
      )}
    >
      {children}
    </button>
  );
}

const Sep = () => <span aria-hidden="true" className="mx-0.5 h-5 w-px bg-white/20" />;

/** The floating toolbar over selected text: marks, link, headings, quote. Shortcuts in titles. */
export function FormattingToolbar({ editor, linkRequest }: { editor: Editor; linkRequest: number }) {
  const [linkMode, setLinkMode] = useState(false);
  const [href, setHref] = useState("");
  const s = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      underline: e.isActive("underline"),
      strike: e.isActive("strike"),
      code: e.isActive("code"),
      link: e.isActive("link"),
      h2: e.isActive("heading", { level: 2 }),
      h3: e.isActive("heading", { level: 3 }),
      quote: e.isActive("blockquote"),
      linkHref: (e.getAttributes("link").href as string | undefined) ?? "",
    }),
  });

  // Ctrl/Cmd+K from the editor opens the link field.
  useEffect(() => {
    if (linkRequest === 0) return;
    setHref(editor.getAttributes("link").href ?? "");
    setLinkMode(true);
  }, [linkRequest, editor]);

  const applyLink = () => {
    const url = href.trim();
    const chain = editor.chain().focus().extendMarkRange("link");
    if (!url) chain.unsetLink().run();
    else chain.setLink({ href: /^(https?:|mailto:|\/|#)/i.test(url) ? url : `https://${url}` }).run();
    setLinkMode(false);
  };

  return (
    <BubbleMenu
      editor={editor}
      options={{ placement: "top", offset: 8 }}
      shouldShow={({ editor: e, from, to }) =>
        e.isEditable &&
        from !== to &&
        !e.isActive("image") &&
        !e.isActive("embed") &&
        !e.isActive("codeBlock")
      }
      className="z-40"
    >
      <div
        role="toolbar"
        aria-label="Formatting"
        className="flex items-center gap-0.5 rounded-lg bg-stone-900 p-1 shadow-pop"
      >
        {linkMode ? (
          <form
            className="flex items-center gap-1"
            onSubmit={(e) => {
              e.preventDefault();
              applyLink();
            }}
          >
            <input
              // biome-ignore lint/a11y/noAutofocus: the link field is what the writer just asked for
              autoFocus
              value={href}
              onChange={(e) => setHref(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape") {
                  e.preventDefault();
                  setLinkMode(false);
                  editor.commands.focus();
                }
              }}
              placeholder="Paste or type a link"
              aria-label="Link address"
              className="h-8 w-56 rounded-md bg-white/10 px-2 text-sm text-white placeholder:text-stone-400 focus:outline-none"
            />
            <ToolButton label="Apply link" onClick={applyLink}>
              ✓
            </ToolButton>
            {s.link ? (
              <ToolButton
                label="Remove link"
                onClick={() => {
                  editor.chain().focus().extendMarkRange("link").unsetLink().run();
                  setLinkMode(false);
                }}
              >
                ✕
              </ToolButton>
            ) : null}
          </form>
        ) : (
          <>
            <ToolButton
              label="Bold (Ctrl+B)"
              active={s.bold}
              onClick={() => editor.chain().focus().toggleBold().run()}
            >
              B
            </ToolButton>
            <ToolButton
              label="Italic (Ctrl+I)"
              active={s.italic}
              onClick={() => editor.chain().focus().toggleItalic().run()}
            >
              <span className="font-serif italic">I</span>
            </ToolButton>
            <ToolButton
              label="Underline (Ctrl+U)"
              active={s.underline}
              onClick={() => editor.chain().focus().toggleUnderline().run()}
            >
              <span className="underline">U</span>
            </ToolButton>
            <ToolButton
              label="Strikethrough (Ctrl+Shift+S)"
              active={s.strike}
              onClick={() => editor.chain().focus().toggleStrike().run()}
            >
              <span className="line-through">S</span>
            </ToolButton>
            <ToolButton
              label="Inline code (Ctrl+E)"
              active={s.code}
              onClick={() => editor.chain().focus().toggleCode().run()}
            >
              <span className="font-mono text-xs">{"</>"}</span>
            </ToolButton>
            <ToolButton
              label="Link (Ctrl+K)"
              active={s.link}
              onClick={() => {
                setHref(s.linkHref);
                setLinkMode(true);
              }}
            >
              <svg
                viewBox="0 0 16 16"
                aria-hidden="true"
                className="size-4 fill-none stroke-current stroke-[1.8]"
              >
                <path
                  d="M6.5 9.5a3 3 0 0 0 4.2 0l2-2a3 3 0 0 0-4.2-4.2l-.8.8M9.5 6.5a3 3 0 0 0-4.2 0l-2 2a3 3 0 0 0 4.2 4.2l.8-.8"
                  strokeLinecap="round"
                />
              </svg>
            </ToolButton>
            <Sep />
            <ToolButton
              label="Heading"
              active={s.h2}
              onClick={() => editor.chain().focus().toggleHeading({ level: 2 }).run()}
            >
              H2
            </ToolButton>
            <ToolButton
              label="Subheading"
              active={s.h3}
              onClick={() => editor.chain().focus().toggleHeading({ level: 3 }).run()}
            >
              H3
            </ToolButton>
            <ToolButton
              label="Quote"
              active={s.quote}
              onClick={() => editor.chain().focus().toggleBlockquote().run()}
            >
              “
            </ToolButton>
          </>
        )}
      </div>
    </BubbleMenu>
  );
}

/** Over a selected image: its alt text and caption (the renderer writes both into the figure). */
export function ImageToolbar({ editor }: { editor: Editor }) {
  const attrs = useEditorState({
    editor,
    selector: ({ editor: e }) =>
      e.isActive("image") ? (e.getAttributes("image") as { alt?: string; caption?: string }) : null,
  });
  return (
    <BubbleMenu
      editor={editor}
      pluginKey="imageMenu"
      options={{ placement: "bottom", offset: 8 }}
      shouldShow={({ editor: e }) => e.isEditable && e.isActive("image")}
      className="z-40"
    >
      <div className="flex w-[min(28rem,calc(100vw-2rem))] flex-col gap-2 rounded-lg border border-line bg-surface p-2.5 shadow-pop">
        <label className="text-xs font-medium text-muted">
          Alt text (what the image shows, for screen readers)
          <input
            value={attrs?.alt ?? ""}
            onChange={(e) => editor.commands.updateAttributes("image", { alt: e.target.value })}
            className="mt-1 block h-8 w-full rounded-md border border-line-strong px-2 text-sm text-ink focus:border-accent focus:outline-none"
          />
        </label>
        <label className="text-xs font-medium text-muted">
          Caption
          <input
            value={attrs?.caption ?? ""}
            onChange={(e) => editor.commands.updateAttributes("image", { caption: e.target.value })}
            className="mt-1 block h-8 w-full rounded-md border border-line-strong px-2 text-sm text-ink focus:border-accent focus:outline-none"
          />
        </label>
      </div>
    </BubbleMenu>
  );
}
