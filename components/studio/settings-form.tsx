"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { fieldErrorsOf, messageOf } from "../forms/errors";
import type { ThemeName } from "../themes";
import { useTRPC } from "../trpc/client";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "../ui/card";
import { TextField } from "../ui/field";
import { StatusMessage } from "../ui/status";
import { ThemePicker } from "../ui/theme-picker";

/** Rename and re-theme a blog (owners). Shows saving… then saved, and refreshes the shell. */
export function SettingsForm({
  slug,
  initialName,
  initialTheme,
  canEdit,
}: {
  slug: string;
  initialName: string;
  initialTheme: ThemeName;
  canEdit: boolean;
}) {
  const router = useRouter();
  const trpc = useTRPC();
  const [name, setName] = useState(initialName);
  const [theme, setTheme] = useState<ThemeName>(initialTheme);
  const [saved, setSaved] = useState({ name: initialName, theme: initialTheme });
  const [nameError, setNameError] = useState("");
  const [status, setStatus] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const update = useMutation(trpc.tenants.update.mutationOptions());

  const dirty = name.trim() !== saved.name || theme !== saved.theme;

  useEffect(() => {
    if (dirty && status?.tone === "success") setStatus(null);
  }, [dirty, status]);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const trimmed = name.trim();
    setStatus(null);
    if (!trimmed) return setNameError("Give your blog a name.");
    if (trimmed.length > 80) return setNameError("Keep the name under 80 characters.");
    setNameError("");
    try {
      const blog = await update.mutateAsync({ slug, name: trimmed, theme });
      setSaved({ name: blog.name, theme: blog.theme });
      setName(blog.name);
      setStatus({ tone: "success", text: "Saved. Your readers see the change right away." });
      router.refresh();
    } catch (err) {
      const fields = fieldErrorsOf(err);
      if (fields.name) setNameError(fields.name);
      else
        setStatus({ tone: "error", text: messageOf(err, "Couldn't save your changes. Please try again.") });
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Card>
        <CardHeader>
          <CardTitle>General</CardTitle>
          <p className="mt-0.5 text-sm text-muted">The name and look readers see on your blog.</p>
        </CardHeader>
        <CardBody className="space-y-7">
          {!canEdit ? (
            <StatusMessage tone="info">Only the blog's owner can change these settings.</StatusMessage>
          ) : null}
          <TextField
            name="name"
            label="Blog name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={nameError}
            maxLength={80}
            required
            disabled={!canEdit || update.isPending}
          />
          <ThemePicker
            value={theme}
            onChange={setTheme}
            blogName={name}
            disabled={!canEdit || update.isPending}
          />
        </CardBody>
        <div className="flex flex-col-reverse gap-3 border-t border-line px-5 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6">
          <div className="min-h-5 text-sm">
            <StatusMessage tone={status?.tone ?? "success"} className="py-1.5">
              {status?.text}
            </StatusMessage>
            {!status && dirty ? <p className="text-muted">You have unsaved changes.</p> : null}
          </div>
          <Button
            type="submit"
            loading={update.isPending}
            loadingText="Saving…"
            disabled={!canEdit || !dirty}
          >
            Save changes
          </Button>
        </div>
      </Card>
    </form>
  );
}
