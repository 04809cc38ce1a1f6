/** The reader themes a blog can pick; the CSS for each lives under `[data-theme]` in globals.css. */
export const THEMES = ["classic", "minimal", "bold"] as const;
export type ThemeName = (typeof THEMES)[number];

export const THEME_INFO: Record<ThemeName, { label: string; description: string }> = {
  classic: { label: "Classic", description: "Warm paper, serif type. For essays and long reads." },
  minimal: { label: "Minimal", description: "Black on white, quiet sans. Lets the words speak." },
  bold: { label: "Bold", description: "Big uppercase headlines and a loud accent." },
};

export function isTheme(value: unknown): value is ThemeName {
  return typeof value === "string" && (THEMES as readonly string[]).includes(value);
}
