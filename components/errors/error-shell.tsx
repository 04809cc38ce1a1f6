import type { ReactNode } from "react";
import { LogoMark } from "../layout/logo";

/** The frame of the platform's 404 and error pages: centred, calm, one clear way forward. */
export function ErrorShell({
  code,
  title,
  children,
  actions,
  home,
}: {
  code: string;
  title: string;
  children: ReactNode;
  actions: ReactNode;
  home: string;
}) {
  return (
    <div className="flex min-h-dvh flex-col bg-[radial-gradient(ellipse_at_top,var(--color-accent-soft),transparent_60%)]">
      <header className="mx-auto flex h-16 w-full max-w-6xl items-center px-4 sm:px-6">
        <a href={home} className="inline-flex items-center gap-2 rounded-md">
          <LogoMark />
          <span className="font-serif text-xl font-semibold tracking-tight text-ink">Conduit</span>
        </a>
      </header>
      <main id="main" className="flex flex-1 items-center justify-center px-4 pb-24">
        <div className="max-w-lg text-center">
          <p className="font-mono text-sm font-medium text-accent">{code}</p>
          <h1 className="mt-3 font-serif text-4xl font-semibold tracking-tight text-ink sm:text-5xl">
            {title}
          </h1>
          <div className="mt-4 text-lg leading-relaxed text-muted">{children}</div>
          <div className="mt-9 flex flex-col justify-center gap-3 sm:flex-row">{actions}</div>
        </div>
      </main>
    </div>
  );
}
