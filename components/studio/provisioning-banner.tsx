"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { messageOf } from "../forms/errors";
import { useTRPC } from "../trpc/client";
import { Button } from "../ui/button";
import { StatusMessage } from "../ui/status";

/** Shown while a blog isn't live: a failed provisioning can be retried by its owner. */
export function ProvisioningBanner({
  slug,
  status,
  reason,
  canRetry,
}: {
  slug: string;
  status: "pending" | "failed";
  reason?: string;
  canRetry: boolean;
}) {
  const router = useRouter();
  const trpc = useTRPC();
  const retry = useMutation(trpc.tenants.retry.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <div className="rounded-card border border-warning/25 bg-warning-soft px-4 py-3.5 text-sm text-warning sm:flex sm:items-center sm:justify-between sm:gap-4">
      <div>
        <p className="font-semibold">
          {status === "failed"
            ? "We couldn't finish setting up this blog."
            : "This blog is still being set up."}
        </p>
        <p className="mt-0.5 text-warning/90">
          {status === "failed"
            ? `It isn't live yet${reason ? ` (${reason})` : ""}. Nothing is lost — try again.`
            : "It will be live in a moment. Refresh if this stays."}
        </p>
        <StatusMessage tone="error" className="mt-2">
          {retry.error ? messageOf(retry.error) : null}
        </StatusMessage>
      </div>
      {canRetry ? (
        <Button
          variant="secondary"
          size="sm"
          className="mt-3 sm:mt-0"
          loading={retry.isPending}
          loadingText="Retrying…"
          onClick={() => retry.mutate({ slug })}
        >
          Try again
        </Button>
      ) : null}
    </div>
  );
}
