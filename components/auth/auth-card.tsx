import type { ReactNode } from "react";
import { Card } from "../ui/card";

export function AuthCard({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle: ReactNode;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <div className="w-full max-w-md">
      <div className="mb-6 text-center">
        <h1 className="font-serif text-3xl font-semibold tracking-tight text-ink">{title}</h1>
        <p className="mt-2 text-sm text-muted">{subtitle}</p>
      </div>
      <Card className="p-6 sm:p-8">{children}</Card>
      <p className="mt-6 text-center text-sm text-muted">{footer}</p>
    </div>
  );
}
