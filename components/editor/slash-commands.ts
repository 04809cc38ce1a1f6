import { type Editor, Extension, type Range } from "@tiptap/core";
import Suggestion from "@tiptap/suggestion";

export interface SlashItem {
  id: string;
  label: string;
  hint: string;
  keywords: string;
  icon: string;
  run: (editor: Editor, range: Range) => void;
}

export interface SlashMenuState {
  items: SlashItem[];
  selected: number;
  rect: DOMRect | null;
  choose: (item: SlashItem) => void;
}

/** A tiny external store so React can render the menu the suggestion plugin drives. */
export function createSlashStore() {
  let state: SlashMenuState | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(next: SlashMenuState | null) {
      state = next;
      for (const l of listeners) l();
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
export type SlashStore = ReturnType<typeof createSlashStore>;

/** What "/" offers. `actions` opens the dialogs that need a URL (image, embed). */
export function slashItems(actions: { image: () => void; embed: () => void }): SlashItem[] {
  return [
    {
      id: "h2",
      label: "Heading",
      hint: "Section title",
      keywords: "h2 heading title",
      icon: "H2",
      run: (e, r) => e.chain().focus().deleteRange(r).setNode("heading", { level: 2 }).run(),
    },
    {
      id: "h3",
      label: "Subheading",
      hint: "Smaller section title",
      keywords: "h3 subheading",
      icon: "H3",
      run: (e, r) => e.chain().focus().deleteRange(r).setNode("heading", { level: 3 }).run(),
    },
    {
      id: "bullet",
      label: "Bulleted list",
      hint: "A simple list",
      keywords: "ul bullet list unordered",
      icon: "•",
      run: (e, r) => e.chain().focus().deleteRange(r).toggleBulletList().run(),
    },
    {
      id: "ordered",
      label: "Numbered list",
      hint: "A list with numbers",
      keywords: "ol numbered ordered list",
      icon: "1.",
      run: (e, r) => e.chain().focus().deleteRange(r).toggleOrderedList().run(),
    },
    {
      id: "quote",
      label: "Quote",
      hint: "Set a passage apart",
      keywords: "blockquote quote citation",
      icon: "“",
      run: (e, r) => e.chain().focus().deleteRange(r).toggleBlockquote().run(),
    },
    {
      id: "code",
      label: "Code block",
      hint: "Highlighted code",
      keywords: "code pre snippet",
      icon: "</>",
      run: (e, r) => e.chain().focus().deleteRange(r).toggleCodeBlock().run(),
    },
    {
      id: "image",
      label: "Image",
      hint: "From a link",
      keywords: "image picture photo img",
      icon: "▣",
      run: (e, r) => {
        e.chain().focus().deleteRange(r).run();
        actions.image();
      },
    },
    {
      id: "embed",
      label: "Embed link",
      hint: "YouTube, articles… as a card",
      keywords: "embed video youtube link card bookmark",
      icon: "↗",
      run: (e, r) => {
        e.chain().focus().deleteRange(r).run();
        actions.embed();
      },
    },
    {
      id: "table",
      label: "Table",
      hint: "3 × 3 with a header row",
      keywords: "table grid",
      icon: "▦",
      run: (e, r) =>
        e.chain().focus().deleteRange(r).insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
    },
    {
      id: "divider",
      label: "Divider",
      hint: "A quiet break",
      keywords: "hr divider rule separator",
      icon: "—",
      run: (e, r) => e.chain().focus().deleteRange(r).setHorizontalRule().run(),
    },
  ];
}

/** "/" at the start of a word opens the command menu; arrows move, Enter picks, Escape closes. */
export function SlashCommands(store: SlashStore, items: () => SlashItem[]) {
  return Extension.create({
    name: "slashCommands",
    addProseMirrorPlugins() {
      return [
        Suggestion<SlashItem, SlashItem>({
          editor: this.editor,
          char: "/",
          allowSpaces: false,
          items: ({ query }) => {
            const q = query.toLowerCase();
            return items().filter((i) => !q || i.label.toLowerCase().includes(q) || i.keywords.includes(q));
          },
          command: ({ editor, range, props }) => props.run(editor, range),
          render: () => {
            let current: SlashMenuState | null = null;
            const publish = (next: SlashMenuState | null) => {
              current = next;
              store.set(next);
            };
            return {
              onStart: (props) =>
                publish({
                  items: props.items,
                  selected: 0,
                  rect: props.clientRect?.() ?? null,
                  choose: props.command,
                }),
              onUpdate: (props) =>
                publish({
                  items: props.items,
                  selected: Math.min(current?.selected ?? 0, Math.max(props.items.length - 1, 0)),
                  rect: props.clientRect?.() ?? null,
                  choose: props.command,
                }),
              onKeyDown: ({ event }) => {
                if (!current || current.items.length === 0) return false;
                const n = current.items.length;
                if (event.key === "ArrowDown") {
                  publish({ ...current, selected: (current.selected + 1) % n });
                  return true;
                }
                if (event.key === "ArrowUp") {
                  publish({ ...current, selected: (current.selected - 1 + n) % n });
                  return true;
                }
                if (event.key === "Enter" || event.key === "Tab") {
                  const item = current.items[current.selected];
                  if (item) current.choose(item);
                  return true;
                }
                if (event.key === "Escape") {
                  publish(null);
                  return true;
                }
                return false;
              },
              onExit: () => publish(null),
            };
          },
        }),
      ];
    },
  });
}
