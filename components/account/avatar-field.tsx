"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { ProfileDto } from "@/server/services/users/profile-service";
import { messageOf } from "../forms/errors";
import { ACCEPT_ATTRIBUTE, uploadWithSteps } from "../media/upload-file";
import { UploadProgressList, useUploadQueue } from "../media/upload-queue";
import { useTRPC } from "../trpc/client";
import { Avatar } from "../ui/avatar";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "../ui/card";
import { StatusMessage } from "../ui/status";

/** The profile picture: upload (square sizes made on the server), replace, remove. */
export function AvatarField({ profile, onSaved }: { profile: ProfileDto; onSaved: (p: ProfileDto) => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.account.createAvatarUpload.mutationOptions());
  const confirm = useMutation(trpc.account.confirmAvatar.mutationOptions());
  const remove = useMutation(trpc.account.removeAvatar.mutationOptions());
  const [error, setError] = useState("");
  const input = useRef<HTMLInputElement>(null);

  const queue = useUploadQueue(
    (file, onPhase) =>
      uploadWithSteps(
        file,
        {
          create: (i) => create.mutateAsync(i),
          target: (c) => c.upload,
          confirm: (c) => confirm.mutateAsync({ uploadId: c.uploadId }),
        },
        onPhase,
      ),
    (saved: ProfileDto) => {
      onSaved(saved);
      router.refresh();
    },
  );
  const busy = queue.items.some((i) => i.phase === "uploading" || i.phase === "processing");

  return (
    <Card>
      <CardHeader>
        <CardTitle>Picture</CardTitle>
        <p className="mt-0.5 text-sm text-muted">Shown in your bylines, comments and on the members page.</p>
      </CardHeader>
      <CardBody className="space-y-4">
        <div className="flex items-center gap-5">
          {profile.image ? (
            // biome-ignore lint/performance/noImgElement: stored square variants; srcset picks the size
            <img
              src={profile.image}
              srcSet={profile.avatarSrcset}
              sizes="80px"
              alt={profile.name}
              data-testid="account-avatar"
              className="size-20 shrink-0 rounded-full object-cover ring-1 ring-line"
            />
          ) : (
            <Avatar name={profile.name} className="size-20 text-2xl" />
          )}
          <div className="flex flex-wrap gap-2">
            <input
              ref={input}
              type="file"
              accept={ACCEPT_ATTRIBUTE}
              className="sr-only"
              tabIndex={-1}
              aria-label="Choose a picture"
              data-testid="avatar-file-input"
              onChange={(e) => {
                setError("");
                if (e.target.files?.[0]) queue.add([e.target.files[0]]);
                e.target.value = "";
              }}
            />
            <Button variant="secondary" onClick={() => input.current?.click()} disabled={busy}>
              {profile.image ? "Change picture" : "Upload picture"}
            </Button>
            {profile.image ? (
              <Button
                variant="ghost"
                loading={remove.isPending}
                onClick={async () => {
                  setError("");
                  try {
                    onSaved(await remove.mutateAsync());
                    router.refresh();
                  } catch (err) {
                    setError(messageOf(err));
                  }
                }}
              >
                Remove
              </Button>
            ) : null}
          </div>
        </div>
        <p className="text-sm text-muted">
          A square crop is made around the most interesting part. Up to 10 MB.
        </p>
        <UploadProgressList items={queue.items} onDismiss={queue.dismiss} />
        <StatusMessage tone="error">{error}</StatusMessage>
      </CardBody>
    </Card>
  );
}
