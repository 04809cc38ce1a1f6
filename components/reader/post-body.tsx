import type { ReactNode } from "react";
import type { TextBlock } from "@/server/services/posts/plain-text";

/**
 * A post body from plain-text blocks, as React elements: React escapes every string, so stored
 * content cannot inject HTML. Rich Tiptap rendering (marks, links, images) with sanitised HTML
 * comes with the editor issue.
 */
export function PostBody({ blocks }: { blocks: TextBlock[] }) {
  const out: ReactNode[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (!block) continue;
    if (block.kind === "list-item") {
      // Consecutive items of one kind form one list.
      const items: string[] = [];
      const ordered = block.ordered;
      while (blocks[i]?.kind === "list-item" && (blocks[i] as { ordered: boolean }).ordered === ordered) {
        items.push((blocks[i] as TextBlock).text);
        i++;
      }
      i--;
      const List = ordered ? "ol" : "ul";
      out.push(
        <List key={i} className={`my-6 space-y-2 pl-6 ${ordered ? "list-decimal" : "list-disc"}`}>
          {items.map((text, n) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static, never reordered
            <li key={n} className="whitespace-pre-line pl-1">
              {text}
            </li>
          ))}
        </List>,
      );
      continue;
    }
    out.push(<Block key={i} block={block} />);
  }
  return <div className="text-lg leading-relaxed sm:text-xl sm:leading-relaxed">{out}</div>;
}

function Block({ block }: { block: Exclude<TextBlock, { kind: "list-item" }> }) {
  switch (block.kind) {
    case "heading":
      return block.level <= 2 ? (
        <h2 className="site-heading mt-12 mb-4 text-2xl leading-snug sm:text-3xl">{block.text}</h2>
      ) : (
        <h3 className="site-heading mt-10 mb-3 text-xl leading-snug sm:text-2xl">{block.text}</h3>
      );
    case "quote":
      return (
        <blockquote
          className="my-8 pl-5 whitespace-pre-line italic"
          style={{ borderLeft: "3px solid var(--site-accent)", color: "var(--site-muted)" }}
        >
          {block.text}
        </blockquote>
      );
    case "code":
      return (
        <pre
          className="my-8 overflow-x-auto p-4 text-sm leading-relaxed"
          style={{
            background: "var(--site-surface)",
            border: "1px solid var(--site-line)",
            borderRadius: "var(--site-radius)",
            fontFamily: "var(--font-mono, ui-monospace, monospace)",
          }}
        >
          <code>{block.text}</code>
        </pre>
      );
    default:
      return <p className="my-6 whitespace-pre-line">{block.text}</p>;
  }
}
