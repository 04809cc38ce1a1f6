"use client";

import { type ReactNode, useState } from "react";
import { CoverUpload } from "../media/cover-upload";
import { Button } from "../ui/button";
import { Input, Label } from "../ui/field";
import { Dialog } from "./dialog";
import type { UploadImage } from "./insert-dialogs";
import type { PendingFields } from "./local-copy";

export interface PanelValues {
  slug: string;
  tags: string[];
  excerpt: string;
  customExcerpt: boolean;
  coverUrl: string | null;
  coverAlt: string;
  featured: boolean;
  authorIds: string[];
  type: "post" | "page";
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;

/** Post settings in a drawer: address, tags, excerpt, cover, featured, authors. Every change autosaves. */
export function SidePanel({
  open,
  onClose,
  values,
  onChange,
  autoExcerpt,
  blogHost,
  members,
  canEditAuthors,
  onDelete,
  readOnly,
  uploadImage,
  pipeline,
}: {
  open: boolean;
  onClose: () => void;
  values: PanelValues;
  onChange: (patch: Partial<PanelValues>, save: PendingFields) => void;
  autoExcerpt: string;
  blogHost: string;
  members: { id: string; name: string; role: string }[];
  canEditAuthors: boolean;
  onDelete: () => void;
  readOnly: boolean;
  /** Media issue: cover upload into the blog's media library. */
  uploadImage?: UploadImage;
  /** Pipeline issue: the live chips of a published post (saved → … → searchable). */
  pipeline?: ReactNode;
}) {
  const [slug, setSlug] = useState(values.slug);
  const [slugError, setSlugError] = useState("");
  const [tagInput, setTagInput] = useState("");
  const [lastSlug, setLastSlug] = useState(values.slug);
  if (values.slug !== lastSlug) {
    // The server moved the slug (it follows the title while a draft): show it.
    setLastSlug(values.slug);
    setSlug(values.slug);
  }

  const commitSlug = () => {
    const next = slug.trim().toLowerCase();
    if (next === values.slug) return setSlugError("");
    if (!SLUG.test(next)) return setSlugError("Lower-case letters, digits and dashes only.");
    setSlugError("");
    onChange({ slug: next }, { slug: next });
  };
  const addTags = (raw: string) => {
    const added = raw
      .split(",")
      .map((t) => t.replace(/^#+/, "").replace(/\s+/g, " ").trim().toLowerCase())
      .filter(Boolean);
    if (!added.length) return;
    const tags = [...new Set([...values.tags, ...added])].slice(0, 10);
    setTagInput("");
    onChange({ tags }, { tags });
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      side
      title="Post settings"
      description="Saved automatically as you change them."
    >
      {pipeline ? (
        <section aria-label="Pipeline" className="mb-6">
          <h3 className="mb-2 text-sm font-medium text-ink">Pipeline</h3>
          {pipeline}
        </section>
      ) : null}
      <fieldset disabled={readOnly} className="space-y-6">
        <div>
          <Label htmlFor="post-slug">Address</Label>
          <div className="mt-1.5 flex items-center rounded-lg border border-line-strong bg-surface shadow-card focus-within:border-accent">
            <span className="truncate pl-3 text-sm text-muted">{blogHost}/</span>
            <input
              id="post-slug"
              value={slug}
              onChange={(e) => setSlug(e.target.value)}
              onBlur={commitSlug}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  commitSlug();
                }
              }}
              aria-invalid={slugError ? true : undefined}
              aria-describedby="post-slug-hint"
              className="h-10 min-w-0 flex-1 bg-transparent pr-3 text-sm text-ink focus:outline-none"
              spellCheck={false}
              autoCapitalize="none"
            />
          </div>
          <p
            id="post-slug-hint"
            className={slugError ? "mt-1.5 text-sm text-danger" : "mt-1.5 text-xs text-muted"}
          >
            {slugError || "Changing it after publishing keeps the old address working (it redirects)."}
          </p>
        </div>

        <div>
          <Label htmlFor="post-tags">Tags</Label>
          {values.tags.length ? (
            <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Tags">
              {values.tags.map((tag) => (
                <li
                  key={tag}
                  className="inline-flex items-center gap-1 rounded-full bg-accent-soft py-0.5 pr-1 pl-2.5 text-sm text-accent"
                >
                  {tag}
                  <button
                    type="button"
                    aria-label={`Remove tag ${tag}`}
                    className="rounded-full px-1 hover:bg-accent/15"
                    onClick={() => {
                      const tags = values.tags.filter((t) => t !== tag);
                      onChange({ tags }, { tags });
                    }}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          <Input
            id="post-tags"
            size="sm"
            className="mt-2"
            value={tagInput}
            placeholder="Add a tag and press Enter"
            onChange={(e) => {
              const v = e.target.value;
              if (v.includes(",")) addTags(v);
              else setTagInput(v);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                addTags(tagInput);
              }
            }}
            onBlur={() => addTags(tagInput)}
          />
        </div>

        <div>
          <Label htmlFor="post-excerpt">Excerpt</Label>
          <textarea
            id="post-excerpt"
            rows={3}
            value={values.customExcerpt ? values.excerpt : ""}
            placeholder={autoExcerpt || "A line or two for lists and link previews."}
            onChange={(e) =>
              onChange(
                { excerpt: e.target.value, customExcerpt: e.target.value.trim() !== "" },
                { excerpt: e.target.value },
              )
            }
            className="mt-1.5 block w-full rounded-lg border border-line-strong bg-surface px-3 py-2 text-sm text-ink shadow-card placeholder:text-stone-400 focus:border-accent focus:outline-none"
            maxLength={500}
          />
          <p className="mt-1.5 text-xs text-muted">Leave empty to use the opening of the post.</p>
        </div>

        <div className="space-y-2">
          <Label htmlFor="post-cover">Cover image</Label>
          {values.coverUrl ? (
            // biome-ignore lint/performance/noImgElement: a preview of any URL the writer pastes
            <img
              src={values.coverUrl}
              alt=""
              className="aspect-[16/9] w-full rounded-lg border border-line object-cover"
            />
          ) : null}
          <Input
            id="post-cover"
            // Remount on change so an uploaded cover's address shows here too.
            key={values.coverUrl ?? ""}
            size="sm"
            placeholder="https://… (image address)"
            defaultValue={values.coverUrl ?? ""}
            onBlur={(e) => {
              const url = e.target.value.trim() || null;
              if (url !== values.coverUrl) onChange({ coverUrl: url }, { coverUrl: url });
            }}
          />
          <Input
            size="sm"
            aria-label="Cover alt text"
            placeholder="Alt text for the cover"
            defaultValue={values.coverAlt}
            onBlur={(e) =>
              e.target.value !== values.coverAlt &&
              onChange({ coverAlt: e.target.value }, { coverAlt: e.target.value })
            }
          />
          {uploadImage && !readOnly ? (
            <CoverUpload
              uploadImage={uploadImage}
              onUploaded={(url) => onChange({ coverUrl: url }, { coverUrl: url })}
            />
          ) : null}
        </div>

        <label className="flex items-start gap-3 rounded-lg border border-line p-3">
          <input
            type="checkbox"
            className="mt-0.5 size-4 accent-[var(--color-accent)]"
            checked={values.featured}
            onChange={(e) => onChange({ featured: e.target.checked }, { featured: e.target.checked })}
          />
          <span>
            <span className="block text-sm font-medium text-ink">Feature this {values.type}</span>
            <span className="block text-xs text-muted">Pinned first on your blog's home page.</span>
          </span>
        </label>

        <div>
          <p className="text-sm font-medium text-ink">Authors</p>
          <ul className="mt-2 space-y-1.5">
            {members.map((m) => {
              const checked = values.authorIds.includes(m.id);
              return (
                <li key={m.id}>
                  <label className="flex items-center gap-2.5 text-sm">
                    <input
                      type="checkbox"
                      className="size-4 accent-[var(--color-accent)]"
                      checked={checked}
                      disabled={!canEditAuthors || (checked && values.authorIds.length === 1)}
                      onChange={() => {
                        const authorIds = checked
                          ? values.authorIds.filter((id) => id !== m.id)
                          : [...values.authorIds, m.id];
                        onChange({ authorIds }, { authorIds });
                      }}
                    />
                    <span className="text-ink">{m.name}</span>
                    <span className="text-xs text-muted capitalize">{m.role}</span>
                  </label>
                </li>
              );
            })}
          </ul>
        </div>

        <div className="border-t border-line pt-5">
          <Button
            variant="ghost"
            className="text-danger hover:bg-danger-soft hover:text-danger"
            onClick={onDelete}
          >
            Delete this {values.type}
          </Button>
        </div>
      </fieldset>
    </Dialog>
  );
}
