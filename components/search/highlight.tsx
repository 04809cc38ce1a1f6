/**
 * Renders a search highlight: the index wraps matches in `<mark>…</mark>`; everything else is
 * text. Only those two tags are interpreted, so post content can never inject markup here.
 */
export function Highlight({ fragment }: { fragment: string }) {
  const parts = fragment.split(/(<mark>[\s\S]*?<\/mark>)/g).filter(Boolean);
  return (
    <>
      {parts.map((part, i) => {
        const key = `${i}:${part.length}`;
        const m = /^<mark>([\s\S]*)<\/mark>$/.exec(part);
        return m ? (
          <mark key={key} className="rounded-sm bg-amber-100 px-0.5 text-ink">
            {m[1]}
          </mark>
        ) : (
          <span key={key}>{part}</span>
        );
      })}
    </>
  );
}
