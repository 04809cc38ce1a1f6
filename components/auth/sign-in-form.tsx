"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { focusFirstError } from "../forms/errors";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { StatusMessage } from "../ui/status";

type Errors = Partial<Record<"email" | "password", string>>;

function validate(email: string, password: string): Errors {
  const errors: Errors = {};
  if (!email.trim()) errors.email = "Enter your e-mail address.";
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()))
    errors.email = "That doesn't look like an e-mail address.";
  if (!password) errors.password = "Enter your password.";
  return errors;
}

/**
 * next-auth reports a failed password as "CredentialsSignin"; the authorize step throws
 * sentences (rate limit, service unavailable) that are meant to be shown as they are.
 */
function signInErrorMessage(error: string | null | undefined): string {
  if (!error || error === "CredentialsSignin") return "That e-mail and password don't match an account.";
  if (/\s/.test(error) && error.length < 200) return error;
  return "We couldn't sign you in. Please try again.";
}

export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState(initialError ?? "");
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const email = String(data.get("email") ?? "");
    const password = String(data.get("password") ?? "");
    const found = validate(email, password);
    setErrors(found);
    setFormError("");
    if (Object.keys(found).length) return focusFirstError(found, ["email", "password"]);

    setPending(true);
    try {
      const result = await signIn("credentials", { email: email.trim(), password, redirect: false });
      if (!result || result.error) {
        setFormError(signInErrorMessage(result?.error));
        setPending(false);
        return;
      }
      router.replace(callbackUrl);
      router.refresh();
    } catch {
      setFormError("Can't reach Conduit. Check your connection and try again.");
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <StatusMessage tone="error">{formError}</StatusMessage>
      <TextField
        name="email"
        label="E-mail"
        type="email"
        autoComplete="email"
        inputMode="email"
        required
        error={errors.email}
      />
      <TextField
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        error={errors.password}
      />
      <Button type="submit" size="lg" className="w-full" loading={pending} loadingText="Signing in…">
        Sign in
      </Button>
    </form>
  );
}
