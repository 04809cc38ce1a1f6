"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import type { ProfileDto } from "@/server/services/users/profile-service";
import { fieldErrorsOf, messageOf } from "../forms/errors";
import { type SlugState, SlugStatus } from "../new-blog/slug-status";
import { useDebounced } from "../new-blog/use-debounced";
import { useTRPC } from "../trpc/client";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "../ui/card";
import { FieldError, FieldHint, Input, Label, TextField } from "../ui/field";
import { StatusMessage } from "../ui/status";

const USERNAME_SHAPE = /^[a-z0-9_]{3,30}$/;
const BIO_MAX = 300;

/** Name, username (checked live, like blog addresses) and bio. */
export function ProfileForm({ profile, onSaved }: { profile: ProfileDto; onSaved: (p: ProfileDto) => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState(profile.name);
  const [username, setUsername] = useState(profile.username);
  const [bio, setBio] = useState(profile.bio);
  const [errors, setErrors] = useState<{ name?: string; username?: string; bio?: string }>({});
  const [status, setStatus] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const update = useMutation(trpc.account.update.mutationOptions());

  const normalised = username.trim().toLowerCase();
  const debounced = useDebounced(normalised, 300);
  const changedUsername = normalised !== profile.username;
  const shapeOk = USERNAME_SHAPE.test(normalised);
  const check = useQuery({
    ...trpc.account.checkUsername.queryOptions({ username: debounced }),
    enabled: changedUsername && shapeOk && debounced === normalised,
    staleTime: 5_000,
  });

  let usernameState: SlugState = { kind: "idle" };
  if (!changedUsername || !normalised) usernameState = { kind: "idle" };
  else if (!shapeOk)
    usernameState = { kind: "unavailable", reason: "Use 3–30 letters, digits or underscores" };
  else if (debounced !== normalised || check.isFetching) usernameState = { kind: "checking" };
  else if (check.isError) usernameState = { kind: "error" };
  else if (check.data?.available) usernameState = { kind: "available" };
  else if (check.data)
    usernameState = { kind: "unavailable", reason: check.data.reason ?? "That username is taken" };

  const dirty = name.trim() !== profile.name || changedUsername || bio.trim() !== profile.bio;

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setStatus(null);
    const found: typeof errors = {};
    if (!name.trim()) found.name = "Your name is required.";
    if (!shapeOk) found.username = "Use 3–30 letters, digits or underscores.";
    else if (usernameState.kind === "unavailable") found.username = usernameState.reason;
    if (bio.trim().length > BIO_MAX) found.bio = `Keep the bio under ${BIO_MAX} characters.`;
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      const saved = await update.mutateAsync({ name: name.trim(), username: normalised, bio: bio.trim() });
      onSaved(saved);
      setName(saved.name);
      setUsername(saved.username);
      setBio(saved.bio);
      setStatus({ tone: "success", text: "Saved. Your bylines show the change." });
      router.refresh();
    } catch (error) {
      const fields = fieldErrorsOf(error);
      if (fields.name || fields.username || fields.bio) setErrors(fields);
      else setStatus({ tone: "error", text: messageOf(error, "Couldn't save your profile.") });
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Card>
        <CardHeader>
          <CardTitle>Profile</CardTitle>
          <p className="mt-0.5 text-sm text-muted">What readers see next to your posts and comments.</p>
        </CardHeader>
        <CardBody className="space-y-6">
          <TextField
            name="name"
            label="Display name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.name}
            maxLength={80}
            autoComplete="name"
            required
          />
          <div>
            <Label htmlFor="username-input">Username</Label>
            <div className="mt-1.5 flex rounded-lg shadow-card">
              <span className="flex shrink-0 items-center rounded-l-lg border border-r-0 border-line-strong bg-stone-50 px-3 text-sm text-muted">
                @
              </span>
              <Input
                id="username-input"
                name="username"
                value={username}
                onChange={(e) => setUsername(e.target.value.toLowerCase().replace(/\s+/g, "_"))}
                autoCapitalize="none"
                autoComplete="username"
                spellCheck={false}
                maxLength={30}
                aria-invalid={errors.username || usernameState.kind === "unavailable" ? true : undefined}
                aria-describedby="username-status username-error"
                className="min-w-0 flex-1 rounded-l-none shadow-none"
              />
            </div>
            <SlugStatus id="username-status" state={usernameState} />
            <FieldError id="username-error">
              {errors.username &&
              !(usernameState.kind === "unavailable" && usernameState.reason === errors.username)
                ? errors.username
                : null}
            </FieldError>
          </div>
          <div>
            <Label htmlFor="bio-input">Bio</Label>
            <textarea
              id="bio-input"
              name="bio"
              rows={4}
              value={bio}
              onChange={(e) => setBio(e.target.value)}
              maxLength={BIO_MAX + 50}
              aria-invalid={errors.bio ? true : undefined}
              aria-describedby="bio-hint bio-error"
              placeholder="A sentence or two about you and what you write."
              className="mt-1.5 block w-full rounded-lg border border-line-strong bg-surface px-3 py-2.5 text-base text-ink shadow-card placeholder:text-stone-400 focus:border-accent focus:outline-none sm:text-sm"
            />
            <FieldHint id="bio-hint">
              <span className={bio.trim().length > BIO_MAX ? "text-danger" : undefined}>
                {bio.trim().length}/{BIO_MAX}
              </span>{" "}
              · shown on your author pages
            </FieldHint>
            <FieldError id="bio-error">{errors.bio}</FieldError>
          </div>
        </CardBody>
        <div className="flex flex-col-reverse gap-3 border-t border-line px-5 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6">
          <div className="min-h-5 text-sm">
            <StatusMessage tone={status?.tone ?? "success"} className="py-1.5">
              {status?.text}
            </StatusMessage>
            {!status && dirty ? <p className="text-muted">You have unsaved changes.</p> : null}
          </div>
          <Button type="submit" loading={update.isPending} loadingText="Saving…" disabled={!dirty}>
            Save profile
          </Button>
        </div>
      </Card>
    </form>
  );
}
