"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, focusFirstError, messageOf } from "../forms/errors";
import type { ThemeName } from "../themes";
import { useTRPC } from "../trpc/client";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { FieldError, Input, Label, TextField } from "../ui/field";
import { StatusMessage } from "../ui/status";
import { ThemePicker } from "../ui/theme-picker";
import { slugify, slugProblem } from "./slug";
import { type SlugState, SlugStatus } from "./slug-status";
import { useDebounced } from "./use-debounced";

export function NewBlogForm({ rootDomain, protocol }: { rootDomain: string; protocol: string }) {
  const router = useRouter();
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [theme, setTheme] = useState<ThemeName>("classic");
  const [errors, setErrors] = useState<{ name?: string; slug?: string }>({});
  const [formError, setFormError] = useState("");
  const [creating, setCreating] = useState(false);

  const localProblem = slug ? slugProblem(slug) : null;
  const debouncedSlug = useDebounced(slug, 300);
  const check = useQuery({
    ...trpc.tenants.checkSlug.queryOptions({ slug: debouncedSlug }),
    enabled: debouncedSlug.length > 0 && !slugProblem(debouncedSlug),
    staleTime: 5_000,
  });
  const create = useMutation(trpc.tenants.create.mutationOptions());

  let slugState: SlugState = { kind: "idle" };
  if (!slug) slugState = { kind: "idle" };
  else if (localProblem) slugState = { kind: "unavailable", reason: localProblem };
  else if (debouncedSlug !== slug || check.isFetching) slugState = { kind: "checking" };
  else if (check.isError) slugState = { kind: "error" };
  else if (check.data?.available) slugState = { kind: "available" };
  else if (check.data)
    slugState = { kind: "unavailable", reason: check.data.reason ?? "That address is taken." };

  function onNameChange(value: string) {
    setName(value);
    if (!slugEdited) setSlug(slugify(value));
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const found: typeof errors = {};
    if (!name.trim()) found.name = "Give your blog a name.";
    else if (name.trim().length > 80) found.name = "Keep the name under 80 characters.";
    if (!slug) found.slug = "Choose an address.";
    else if (localProblem) found.slug = localProblem;
    else if (slugState.kind === "unavailable") found.slug = slugState.reason;
    setErrors(found);
    setFormError("");
    if (Object.keys(found).length) return focusFirstError(found, ["name", "slug"]);

    setCreating(true);
    try {
      const tenant = await create.mutateAsync({ name: name.trim(), slug, theme });
      router.push(`/studio/${tenant.slug}`);
      router.refresh();
    } catch (err) {
      const fields = fieldErrorsOf(err);
      const code = (err as { data?: { code?: string } }).data?.code;
      if (fields.name || fields.slug) setErrors({ name: fields.name, slug: fields.slug });
      else if (code === "CONFLICT") setErrors({ slug: messageOf(err) });
      else setFormError(messageOf(err, "We couldn't create your blog. Please try again."));
      setCreating(false);
    }
  }

  // The live status already says why a slug is unusable; don't repeat it below.
  const duplicateOfStatus = slugState.kind === "unavailable" && slugState.reason === errors.slug;
  const host = `${slug || "your-blog"}.${rootDomain}`;
  const slugDescribedBy = [
    "slug-status",
    "slug-hint",
    errors.slug && !duplicateOfStatus ? "slug-error" : null,
  ]
    .filter(Boolean)
    .join(" ");

  return (
    <form onSubmit={onSubmit} noValidate aria-busy={creating}>
      <Card className="space-y-7 p-5 sm:p-8">
        <StatusMessage tone="error">{formError}</StatusMessage>
        <TextField
          name="name"
          label="Blog name"
          placeholder="Field Notes"
          value={name}
          onChange={(e) => onNameChange(e.target.value)}
          error={errors.name}
          maxLength={80}
          required
          disabled={creating}
        />

        <div>
          <Label htmlFor="slug-input">Address</Label>
          <div className="mt-1.5 flex rounded-lg shadow-card">
            <Input
              id="slug-input"
              name="slug"
              value={slug}
              onChange={(e) => {
                setSlugEdited(true);
                setSlug(e.target.value.toLowerCase().replace(/\s+/g, "-"));
              }}
              placeholder="field-notes"
              autoCapitalize="none"
              autoComplete="off"
              spellCheck={false}
              maxLength={63}
              required
              disabled={creating}
              aria-invalid={errors.slug || slugState.kind === "unavailable" ? true : undefined}
              aria-describedby={slugDescribedBy}
              className="min-w-0 flex-1 rounded-r-none shadow-none"
            />
            <span className="flex shrink-0 items-center rounded-r-lg border border-l-0 border-line-strong bg-stone-50 px-3 text-sm whitespace-nowrap text-muted">
              .{rootDomain}
            </span>
          </div>
          <SlugStatus id="slug-status" state={slugState} />
          <p id="slug-hint" className="mt-1 text-sm text-muted">
            Your blog will live at{" "}
            <span
              className="block font-mono text-[0.8125rem] break-all text-ink sm:inline"
              data-testid="blog-url"
            >
              {protocol}://{host}
            </span>
          </p>
          <FieldError id="slug-error">{duplicateOfStatus ? null : errors.slug}</FieldError>
        </div>

        <ThemePicker
          value={theme}
          onChange={setTheme}
          blogName={name}
          hint="How readers see your blog. You can change it any time in Settings."
          disabled={creating}
        />

        <div className="flex flex-col-reverse items-stretch gap-3 border-t border-line pt-6 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-sm text-muted" aria-live="polite">
            {creating
              ? "Creating your blog and its database…"
              : "It takes a second. You can rename it later."}
          </p>
          <Button type="submit" size="lg" loading={creating} loadingText="Creating your blog…">
            Create blog
          </Button>
        </div>
      </Card>
    </form>
  );
}
