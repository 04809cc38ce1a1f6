/** Shown inside the studio shell while a studio page loads: the shape of a page, no layout jump. */
export default function StudioLoading() {
  return (
    <div aria-busy="true" aria-live="polite" className="animate-pulse">
      <span className="sr-only">Loading…</span>
      <div className="h-9 w-64 rounded-lg bg-stone-200/80" />
      <div className="mt-3 h-4 w-80 max-w-full rounded bg-stone-200/60" />
      <div className="mt-10 h-24 rounded-card bg-stone-200/50" />
      <div className="mt-10 h-56 rounded-card bg-stone-200/40" />
    </div>
  );
}
