"use client";

import { THEME_INFO, THEMES, type ThemeName } from "../themes";
import { cn } from "./cn";

/** A miniature of the reader site in the given theme: header bar, title, two post lines. */
function ThemePreview({ theme, name }: { theme: ThemeName; name: string }) {
  return (
    <div
      data-theme={theme}
      className="pointer-events-none overflow-hidden rounded-md border border-line"
      aria-hidden="true"
    >
      <div
        className="flex items-center justify-between px-3 py-2"
        style={{
          background: "var(--site-header-bg)",
          color: "var(--site-header-ink)",
          borderBottom: "1px solid var(--site-line)",
        }}
      >
        {/* Drawn from an attribute so the name isn't part of the option's text (labels stay "Bold", not "My Bold Blog Bold"). */}
        <span
          data-name={name || "Your blog"}
          className="site-heading truncate text-[11px] before:content-[attr(data-name)]"
        />
        <span className="h-1.5 w-8 rounded-full" style={{ background: "var(--site-accent)" }} />
      </div>
      <div className="space-y-2 px-3 py-3" style={{ fontFamily: "var(--site-body)" }}>
        <div className="site-heading text-sm leading-tight">A first post</div>
        <div className="h-1.5 w-full rounded-full opacity-25" style={{ background: "var(--site-ink)" }} />
        <div className="h-1.5 w-4/5 rounded-full opacity-25" style={{ background: "var(--site-ink)" }} />
        <div className="site-heading hidden pt-1 text-sm leading-tight sm:block">Another one</div>
        <div
          className="hidden h-1.5 w-3/5 rounded-full opacity-25 sm:block"
          style={{ background: "var(--site-ink)" }}
        />
      </div>
    </div>
  );
}

/** A radio group (keyboard: arrows move, space selects) whose options are theme previews. */
export function ThemePicker({
  value,
  onChange,
  blogName = "",
  name = "theme",
  hint,
  disabled,
}: {
  value: ThemeName;
  onChange: (theme: ThemeName) => void;
  blogName?: string;
  name?: string;
  hint?: string;
  disabled?: boolean;
}) {
  return (
    <fieldset disabled={disabled}>
      <legend className="text-sm font-medium text-ink">Theme</legend>
      {hint ? <p className="mt-1 text-sm text-muted">{hint}</p> : null}
      <div className="mt-3 grid grid-cols-1 gap-3 sm:grid-cols-3">
        {THEMES.map((theme) => {
          const checked = value === theme;
          return (
            <label
              key={theme}
              className={cn(
                "group relative cursor-pointer rounded-card border bg-surface p-2.5 shadow-card transition",
                "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-accent",
                checked ? "border-accent ring-1 ring-accent" : "border-line hover:border-line-strong",
              )}
            >
              <input
                type="radio"
                name={name}
                value={theme}
                checked={checked}
                onChange={() => onChange(theme)}
                className="sr-only"
              />
              <span className="flex items-start gap-3 sm:block">
                <span className="w-28 shrink-0 sm:block sm:w-auto">
                  <ThemePreview theme={theme} name={blogName} />
                </span>
                <span className="min-w-0 flex-1 sm:block">
                  <span className="flex items-center justify-between gap-2 px-0.5 sm:mt-2.5">
                    <span className="text-sm font-semibold text-ink">{THEME_INFO[theme].label}</span>
                    <span
                      aria-hidden="true"
                      className={cn(
                        "flex size-4 shrink-0 items-center justify-center rounded-full border",
                        checked ? "border-accent bg-accent" : "border-line-strong bg-surface",
                      )}
                    >
                      {checked ? <span className="size-1.5 rounded-full bg-white" /> : null}
                    </span>
                  </span>
                  <span className="mt-0.5 block px-0.5 text-xs leading-snug text-muted">
                    {THEME_INFO[theme].description}
                  </span>
                </span>
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
