"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { messageOf } from "../../forms/errors";
import { useTRPC } from "../../trpc/client";
import { Button } from "../../ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "../../ui/card";
import { Input, Label } from "../../ui/field";
import { StatusMessage } from "../../ui/status";

type Link = { label: string; url: string };
const MAX_LINKS = 8;

/** The reader site's description and header links (owners edit; others see them read-only). */
export function ReaderSettingsForm({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const current = useQuery(trpc.reader.settings.queryOptions());
  const save = useMutation(trpc.reader.updateSettings.mutationOptions());
  const [description, setDescription] = useState("");
  const [links, setLinks] = useState<Link[]>([]);
  const [status, setStatus] = useState<{ tone: "success" | "error"; text: string } | null>(null);

  useEffect(() => {
    if (!current.data) return;
    setDescription(current.data.description);
    setLinks(current.data.navigation);
  }, [current.data]);

  const setLink = (i: number, patch: Partial<Link>) =>
    setLinks((all) => all.map((l, n) => (n === i ? { ...l, ...patch } : l)));

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setStatus(null);
    const navigation = links.filter((l) => l.label.trim() || l.url.trim());
    try {
      await save.mutateAsync({ description, navigation });
      setLinks(navigation);
      setStatus({ tone: "success", text: "Saved. Your readers see the change right away." });
    } catch (err) {
      setStatus({ tone: "error", text: messageOf(err, "Couldn't save. Please try again.") });
    }
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Reader site</CardTitle>
        <p className="mt-1 text-sm text-muted">
          The line under your blog's name and the links in its header.
        </p>
      </CardHeader>
      <CardBody>
        <form onSubmit={onSubmit} className="space-y-5" noValidate>
          <div>
            <Label htmlFor="reader-description">Description</Label>
            <textarea
              id="reader-description"
              className="mt-1.5 block w-full rounded-lg border border-line-strong bg-surface px-3 py-2 text-sm text-ink shadow-card focus:outline-2 focus:outline-accent disabled:opacity-60"
              rows={2}
              maxLength={300}
              value={description}
              disabled={!canEdit || current.isPending}
              placeholder="Essays on slow craft, careful work and the sea."
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
          <fieldset>
            <legend className="text-sm font-medium text-ink">Navigation links</legend>
            <div className="mt-2 space-y-2">
              {links.map((link, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, never reordered
                <div key={i} className="flex flex-col gap-2 sm:flex-row">
                  <Input
                    aria-label={`Link ${i + 1} label`}
                    placeholder="About"
                    value={link.label}
                    maxLength={40}
                    disabled={!canEdit}
                    onChange={(e) => setLink(i, { label: e.target.value })}
                    className="sm:w-40"
                  />
                  <Input
                    aria-label={`Link ${i + 1} address`}
                    placeholder="/about or https://…"
                    value={link.url}
                    disabled={!canEdit}
                    onChange={(e) => setLink(i, { url: e.target.value })}
                    className="flex-1"
                  />
                  {canEdit ? (
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => setLinks((all) => all.filter((_, n) => n !== i))}
                    >
                      Remove
                    </Button>
                  ) : null}
                </div>
              ))}
              {!links.length ? (
                <p className="text-sm text-muted">No links yet: readers see Home and Archive.</p>
              ) : null}
            </div>
            {canEdit && links.length < MAX_LINKS ? (
              <Button
                variant="secondary"
                size="sm"
                className="mt-3"
                onClick={() => setLinks((all) => [...all, { label: "", url: "" }])}
              >
                Add a link
              </Button>
            ) : null}
          </fieldset>
          <StatusMessage tone={status?.tone ?? "success"}>{status?.text ?? ""}</StatusMessage>
          {canEdit ? (
            <Button type="submit" loading={save.isPending} loadingText="Saving…">
              Save reader site
            </Button>
          ) : null}
        </form>
      </CardBody>
    </Card>
  );
}
