import nlp from "compromise";
import type { Entity } from "../pipeline/messages";
import { sentences } from "./words";

export const MAX_ENTITIES = 12;
/** compromise costs ≈ 0.3–0.5 ms per word here; only the sentences that can hold a name are read. */
const ENTITY_WORD_BUDGET = 400;
const SPATIAL =
  /\b(?:in|from|to|at|near|across|around|visit(?:ed|ing)?)\s+((?:\p{Lu}[\p{Ll}'’-]+)(?:\s+\p{Lu}[\p{Ll}'’-]+){0,2})/gu;

/**
 * People, places and organisations named in a post. Only sentences with a capitalised word past
 * their first (a name candidate) go through compromise, up to a word budget, so a long post costs
 * the same as a short one; each entity is then ranked by how often it occurs in the whole text.
 */
export function namedEntities(title: string, text: string, max = MAX_ENTITIES): Entity[] {
  const candidates: string[] = [];
  let budget = ENTITY_WORD_BUDGET;
  for (const sentence of [title, ...sentences(text)]) {
    if (budget <= 0) break;
    const tokens = sentence.split(/\s+/);
    if (
      !tokens.slice(1).some((t) => /^["“(]?\p{Lu}/u.test(t)) &&
      !/^\p{Lu}\p{Ll}+\s+\p{Lu}/u.test(sentence)
    ) {
      continue;
    }
    candidates.push(/[.!?]$/.test(sentence) ? sentence : `${sentence}.`);
    budget -= tokens.length;
  }
  if (candidates.length === 0) return [];

  const doc = nlp(candidates.join(" "));
  const found = new Map<string, Entity>();
  const add = (list: string[], type: Entity["type"]) => {
    for (const raw of list) {
      const name = clean(raw);
      if (!name || name.length < 2 || !/^\p{Lu}/u.test(name)) continue;
      const key = name.toLowerCase();
      if (!found.has(key)) found.set(key, { text: name, type });
    }
  };
  // Organisations first: "Cambridge University" is an organisation even if "Cambridge" is a place.
  add(doc.organizations().out("array") as string[], "organization");
  add(doc.people().out("array") as string[], "person");
  add(doc.places().out("array") as string[], "place");
  // Names compromise does not know ("Zermatt") still read as places after a spatial preposition.
  const joined = candidates.join(" ");
  add(
    [...joined.matchAll(SPATIAL)].map((m) => m[1] ?? "").filter((n) => !found.has(n.toLowerCase())),
    "place",
  );

  const haystack = `${title}\n${text}`;
  return [...found.values()]
    .map((e, index) => ({ e, index, count: occurrences(haystack, e.text) }))
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .slice(0, max)
    .map(({ e }) => e);
}

function clean(raw: string): string {
  return raw
    .replace(/['’]s$/i, "")
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")
    .replace(/^(?:the|a|an)\s+/i, "")
    .replace(/\s+/g, " ")
    .trim();
}

function occurrences(haystack: string, needle: string): number {
  let count = 0;
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return count;
    count += 1;
    from = at + needle.length;
  }
}
