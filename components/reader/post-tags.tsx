export function PostTags({ tags, className }: { tags: string[]; className?: string }) {
  if (!tags.length) return null;
  return (
    <ul aria-label="Tags" className={`flex flex-wrap gap-2 ${className ?? ""}`}>
      {tags.map((tag) => (
        <li
          key={tag}
          className="px-2.5 py-0.5 text-xs"
          style={{
            border: "1px solid var(--site-line)",
            borderRadius: "999px",
            color: "var(--site-muted)",
            background: "var(--site-surface)",
            fontFamily: "var(--font-sans)",
          }}
        >
          #{tag}
        </li>
      ))}
    </ul>
  );
}
