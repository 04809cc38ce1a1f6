"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, messageOf } from "../forms/errors";
import { useTRPC } from "../trpc/client";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "../ui/card";
import { TextField } from "../ui/field";
import { StatusMessage } from "../ui/status";

/** Change (or, for a GitHub-only account, set) the password. */
export function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const trpc = useTRPC();
  const change = useMutation(trpc.account.changePassword.mutationOptions());
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [errors, setErrors] = useState<{ current?: string; next?: string; repeat?: string }>({});
  const [status, setStatus] = useState<{ tone: "success" | "error"; text: string } | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setStatus(null);
    const found: typeof errors = {};
    if (hasPassword && !current) found.current = "Enter your current password.";
    if (next.length < 8) found.next = "Use at least 8 characters.";
    if (repeat !== next) found.repeat = "The two new passwords differ.";
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      await change.mutateAsync({ current, next });
      setCurrent("");
      setNext("");
      setRepeat("");
      setStatus({ tone: "success", text: "Password changed." });
    } catch (error) {
      const fields = fieldErrorsOf(error);
      if (fields.current || fields.next) setErrors(fields);
      else setStatus({ tone: "error", text: messageOf(error, "Couldn't change your password.") });
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Card>
        <CardHeader>
          <CardTitle>Password</CardTitle>
          {!hasPassword ? (
            <p className="mt-0.5 text-sm text-muted">
              You sign in with GitHub. Set a password to sign in with e-mail too.
            </p>
          ) : null}
        </CardHeader>
        <CardBody className="grid gap-5 sm:grid-cols-2">
          {hasPassword ? (
            <TextField
              name="current"
              label="Current password"
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
              error={errors.current}
              className="sm:col-span-2 sm:max-w-[calc(50%-0.625rem)]"
            />
          ) : null}
          <TextField
            name="next"
            label="New password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            error={errors.next}
            hint="At least 8 characters."
          />
          <TextField
            name="repeat"
            label="Repeat new password"
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
            error={errors.repeat}
          />
        </CardBody>
        <div className="flex flex-col-reverse gap-3 border-t border-line px-5 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6">
          <div className="min-h-5 text-sm">
            <StatusMessage tone={status?.tone ?? "success"} className="py-1.5">
              {status?.text}
            </StatusMessage>
          </div>
          <Button type="submit" loading={change.isPending} loadingText="Changing…" disabled={!next}>
            Change password
          </Button>
        </div>
      </Card>
    </form>
  );
}
