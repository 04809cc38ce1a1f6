"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { messageOf } from "../forms/errors";
import { useTRPCClient } from "../trpc/client";
import { Button } from "../ui/button";

/** Creates an empty draft (or page) and opens it in the editor. */
export function NewPostButton({
  slug,
  type = "post",
  variant = "primary",
  size = "md",
  label,
}: {
  slug: string;
  type?: "post" | "page";
  variant?: "primary" | "secondary";
  size?: "sm" | "md";
  label?: string;
}) {
  const client = useTRPCClient();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex flex-col items-end">
      <Button
        variant={variant}
        size={size}
        loading={busy}
        loadingText="Opening…"
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            const post = await client.posts.create.mutate({ type });
            router.push(`/studio/${slug}/posts/${post.id}`);
          } catch (err) {
            setError(messageOf(err, "Couldn't start a new draft."));
            setBusy(false);
          }
        }}
      >
        {label ?? (type === "page" ? "New page" : "New post")}
      </Button>
      {error ? (
        <span role="alert" className="mt-1 text-xs text-danger">
          {error}
        </span>
      ) : null}
    </span>
  );
}
