"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { emailSchema, nameSchema, passwordSchema, usernameSchema } from "@/server/services/users/user-input";
import { fieldErrorsOf, focusFirstError, messageOf } from "../forms/errors";
import { useTRPC } from "../trpc/client";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { StatusMessage } from "../ui/status";

type Field = "name" | "email" | "username" | "password";
type Errors = Partial<Record<Field, string>>;

const MIN_PASSWORD = 8;

// The server's own rules (a pure zod module), so the form never accepts what the API rejects.
const rules = { email: emailSchema, username: usernameSchema, password: passwordSchema, name: nameSchema };

function validate(v: Record<Field, string>): Errors {
  const errors: Errors = {};
  if (!v.email) errors.email = "Enter your e-mail address.";
  if (!v.username) errors.username = "Pick a username.";
  for (const field of ["name", "email", "username", "password"] as const) {
    if (errors[field] || (field === "name" && !v.name)) continue;
    const result = rules[field].safeParse(v[field]);
    if (!result.success) errors[field] = result.error.issues[0]?.message ?? "This doesn't look right.";
  }
  return errors;
}

/** A 409 names the taken field in its message; put it under that field rather than on top. */
function conflictField(message: string): Field | null {
  const m = message.toLowerCase();
  if (m.includes("e-mail") || m.includes("email")) return "email";
  if (m.includes("username")) return "username";
  return null;
}

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const trpc = useTRPC();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState("");
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const values = {
      name: String(data.get("name") ?? "").trim(),
      email: String(data.get("email") ?? "").trim(),
      username: String(data.get("username") ?? "").trim(),
      password: String(data.get("password") ?? ""),
    };
    const found = validate(values);
    setErrors(found);
    setFormError("");
    if (Object.keys(found).length) return focusFirstError(found, ["name", "email", "username", "password"]);

    setPending(true);
    try {
      await signUp.mutateAsync({
        email: values.email,
        username: values.username,
        password: values.password,
        ...(values.name ? { name: values.name } : {}),
      });
    } catch (err) {
      const fields = fieldErrorsOf(err) as Errors;
      const message = messageOf(err);
      const field = Object.keys(fields).length ? null : conflictField(message);
      if (Object.keys(fields).length) setErrors(fields);
      else if (field) setErrors({ [field]: message });
      else setFormError(message);
      setPending(false);
      return;
    }
    const result = await signIn("credentials", {
      email: values.email,
      password: values.password,
      redirect: false,
    });
    if (!result || result.error) {
      // The account exists; only the automatic sign-in failed.
      router.replace(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <StatusMessage tone="error">{formError}</StatusMessage>
      <TextField name="name" label="Your name" autoComplete="name" hint="Shown on your posts. Optional." />
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
        name="username"
        label="Username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        hint={errors.username ? undefined : "Letters, digits or underscores; 3–30 characters."}
        error={errors.username}
      />
      <TextField
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        hint={errors.password ? undefined : `At least ${MIN_PASSWORD} characters.`}
        error={errors.password}
      />
      <Button
        type="submit"
        size="lg"
        className="w-full"
        loading={pending}
        loadingText="Creating your account…"
      >
        Create account
      </Button>
    </form>
  );
}
