import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

export function Label({ className, ...rest }: ComponentProps<"label">) {
  // biome-ignore lint/a11y/noLabelWithoutControl: callers pass htmlFor
  return <label className={cn("block text-sm font-medium text-ink", className)} {...rest} />;
}

const control =
  "block w-full rounded-lg border border-line-strong bg-surface px-3 text-ink shadow-card placeholder:text-stone-400 " +
  "focus:border-accent focus:outline-none focus-visible:outline-2 focus-visible:outline-accent/40 focus-visible:outline-offset-0 " +
  "aria-invalid:border-danger aria-invalid:focus-visible:outline-danger/30 disabled:bg-stone-50 disabled:text-muted";

/** `md` for forms (a comfortable touch target), `sm` for dense toolbars such as filters. */
export function Input({
  className,
  size = "md",
  ...rest
}: Omit<ComponentProps<"input">, "size"> & { size?: "sm" | "md" }) {
  return (
    <input
      className={cn(control, size === "md" ? "h-11" : "h-10", "text-base sm:text-sm", className)}
      {...rest}
    />
  );
}

export function Select({ className, ...rest }: ComponentProps<"select">) {
  return <select className={cn(control, "h-10 pr-8 text-sm", className)} {...rest} />;
}

export function FieldError({ id, children }: { id: string; children?: ReactNode }) {
  if (!children) return null;
  return (
    <p id={id} className="mt-1.5 text-sm text-danger">
      {children}
    </p>
  );
}

export function FieldHint({ id, children }: { id: string; children?: ReactNode }) {
  if (!children) return null;
  return (
    <p id={id} className="mt-1.5 text-sm text-muted">
      {children}
    </p>
  );
}

/** ids for a control's label, hint and error, so aria-describedby stays consistent. */
export function fieldIds(name: string) {
  return { input: `${name}-input`, hint: `${name}-hint`, error: `${name}-error` };
}

export function describedBy(name: string, opts: { hint?: unknown; error?: unknown }) {
  const ids = fieldIds(name);
  const parts = [opts.hint ? ids.hint : null, opts.error ? ids.error : null].filter(Boolean);
  return parts.length ? parts.join(" ") : undefined;
}

interface TextFieldProps extends Omit<ComponentProps<"input">, "id" | "size"> {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
}

/** Label + input + hint + error, wired for screen readers. */
export function TextField({ name, label, hint, error, className, ...rest }: TextFieldProps) {
  const ids = fieldIds(name);
  return (
    <div className={className}>
      <Label htmlFor={ids.input}>{label}</Label>
      <Input
        id={ids.input}
        name={name}
        className="mt-1.5"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(name, { hint, error })}
        {...rest}
      />
      <FieldHint id={ids.hint}>{hint}</FieldHint>
      <FieldError id={ids.error}>{error}</FieldError>
    </div>
  );
}
