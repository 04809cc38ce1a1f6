"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { messageOf } from "../forms/errors";
import { useTRPC } from "../trpc/client";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Input, Label } from "../ui/field";
import { StatusMessage } from "../ui/status";

/** The danger zone: deleting takes the blog offline; the owner confirms by typing its address. */
export function DeleteBlog({ slug, name }: { slug: string; name: string }) {
  const router = useRouter();
  const trpc = useTRPC();
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState("");
  const remove = useMutation(trpc.tenants.delete.mutationOptions());

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (typed.trim() !== slug) return;
    try {
      await remove.mutateAsync({ slug });
      router.replace("/studio");
      router.refresh();
    } catch {
      // The mutation keeps the error; it is shown below.
    }
  }

  return (
    <Card className="border-danger/30">
      <div className="px-5 py-4 sm:px-6">
        <h2 className="text-base font-semibold text-danger">Danger zone</h2>
        <div className="mt-3 flex flex-col gap-4 sm:flex-row sm:items-center sm:justify-between">
          <div className="text-sm text-ink-soft">
            <p className="font-medium text-ink">Delete this blog</p>
            <p className="mt-0.5">
              {name} goes offline at once and its address stays reserved. Its data is kept until a platform
              administrator removes it.
            </p>
          </div>
          {!confirming ? (
            <Button variant="danger" className="shrink-0" onClick={() => setConfirming(true)}>
              Delete blog…
            </Button>
          ) : null}
        </div>
        {confirming ? (
          <form onSubmit={onSubmit} className="mt-5 rounded-lg border border-danger/25 bg-danger-soft/60 p-4">
            <Label htmlFor="confirm-slug-input">
              Type <span className="font-mono font-semibold">{slug}</span> to confirm
            </Label>
            <Input
              id="confirm-slug-input"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              autoFocus
              className="mt-1.5"
            />
            <StatusMessage tone="error" className="mt-3">
              {remove.error ? messageOf(remove.error, "Couldn't delete the blog. Please try again.") : null}
            </StatusMessage>
            <div className="mt-4 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
              <Button
                variant="ghost"
                onClick={() => {
                  setConfirming(false);
                  setTyped("");
                  remove.reset();
                }}
              >
                Cancel
              </Button>
              <Button
                type="submit"
                variant="danger"
                disabled={typed.trim() !== slug}
                loading={remove.isPending}
                loadingText="Deleting…"
              >
                Delete this blog
              </Button>
            </div>
          </form>
        ) : null}
      </div>
    </Card>
  );
}
