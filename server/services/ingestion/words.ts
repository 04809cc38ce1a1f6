/** Tokenising shared by the summary and key-concept extractors (English-first, Unicode-aware). */

// Function words that never carry a post's meaning on their own.
export const STOPWORDS = new Set(
  `a about above after again against all almost also although always am among an and another any anyone anything
  are around as at away back be became because become becomes been before being below best better between both
  but by can cannot could did do does doing done down during each either else enough even ever every few first
  for from further get gets getting give given go goes going gone got had has have having he her here hers
  herself him himself his how however i if in into is it its itself just keep know last least less let like
  made make makes making many may me might mine more most much must my myself need needs never new next no
  nor not nothing now of off often on once one only onto or other others our ours ourselves out over own
  per perhaps put quite rather really said same say says see seem seems several shall she should since so
  some something sometimes still such take than that the their theirs them themselves then there these they
  thing things this those though through thus to together too toward towards under until up upon us use used
  uses using very via want was way ways we well were what whatever when where whether which while who whom
  whose why will with within without would yet you your yours yourself yourselves it's i'm don't can't
  won't isn't aren't doesn't didn't that's there's let's we're you're they're i've we've you've i'd
  little lot lots bit day days time times year years week weeks today yesterday tomorrow kind sort part`
    .split(/\s+/)
    .filter(Boolean),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

export function words(text: string): string[] {
  return (text.match(WORD) ?? []).map((w) => w.toLowerCase().replace(/’/g, "'"));
}

/**
 * Sentences of plain text: split after . ! ? (or a line break) followed by space and an upper-case
 * letter, digit or quote, keeping common abbreviations ("e.g.", "Dr.") inside their sentence.
 */
export function sentences(text: string): string[] {
  const out: string[] = [];
  for (const block of text.split(/\n+/)) {
    const trimmed = block.trim();
    if (!trimmed) continue;
    const parts = trimmed.split(/(?<=[.!?…])["”’)]?\s+(?=["“‘(]?[\p{Lu}\p{N}])/u);
    let carry = "";
    for (const part of parts) {
      const candidate = carry ? `${carry} ${part}` : part;
      if (/\b(?:e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|St|Prof|No|Inc|Ltd|Jr|Sr)\.$/i.test(part)) {
        carry = candidate;
        continue;
      }
      out.push(candidate.trim());
      carry = "";
    }
    if (carry) out.push(carry.trim());
  }
  return out.filter(Boolean);
}

export function wordCount(text: string): number {
  return (text.match(WORD) ?? []).length;
}

/** The first `max` words of a text, with an ellipsis when cut. */
export function truncateWords(text: string, max: number): string {
  const tokens = text.trim().split(/\s+/);
  if (tokens.length <= max) return text.trim();
  return `${tokens
    .slice(0, max)
    .join(" ")
    .replace(/[,;:.!?…-]+$/, "")}…`;
}
