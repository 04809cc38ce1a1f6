import type { AnyExtension } from "@tiptap/core";
import { CharacterCount, Placeholder } from "@tiptap/extensions";
import { documentExtensions } from "@/server/services/render/schema";
import { SlashCommands, type SlashItem, type SlashStore } from "./slash-commands";

/**
 * The editor's extensions: the post schema shared with the server renderer
 * (server/services/render/schema.ts) plus UI-only helpers that don't change the document.
 */
export function editorExtensions(opts: {
  slashStore: SlashStore;
  slashItems: () => SlashItem[];
}): AnyExtension[] {
  return [
    ...documentExtensions(),
    Placeholder.configure({
      placeholder: ({ node }) =>
        node.type.name === "heading" ? "Heading" : "Tell your story… (type / for blocks)",
      showOnlyCurrent: true,
    }),
    CharacterCount,
    SlashCommands(opts.slashStore, opts.slashItems),
  ];
}
