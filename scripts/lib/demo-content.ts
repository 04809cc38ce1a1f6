/** What `npm run dev` seeds: one demo login that owns three small blogs. */
import type { Theme } from "../../server/db";

export const DEMO_USER = {
  email: "demo@conduit.blog",
  username: "demo",
  password: "conduit-demo",
  name: "Demo Writer",
};

export interface DemoPost {
  slug: string;
  title: string;
  tags: string[];
  paragraphs: string[];
  /** Optional richer blocks after the paragraphs: a section heading, a list, a code sample. */
  heading?: string;
  list?: string[];
  code?: { language: string; text: string };
  /** Days before the seed ran, so the posts have a plausible order. */
  daysAgo: number;
}

export interface DemoBlog {
  slug: string;
  name: string;
  theme: Theme;
  posts: DemoPost[];
}

export const DEMO_BLOGS: DemoBlog[] = [
  {
    slug: "demo",
    name: "The Conduit Demo",
    theme: "classic",
    posts: [
      {
        slug: "welcome-to-conduit",
        title: "Welcome to Conduit",
        tags: ["conduit", "getting-started"],
        daysAgo: 2,
        paragraphs: [
          "Every blog on Conduit lives on its own subdomain and keeps its posts in its own database.",
          "Sign in as the demo user to open the studio, write a post and watch it appear here.",
        ],
      },
      {
        slug: "how-this-blog-was-made",
        title: "How this blog was made",
        tags: ["conduit"],
        daysAgo: 1,
        paragraphs: [
          "This post was written by the demo seed, through the same services the app uses.",
          "Run `npm run dev` again and nothing is duplicated: the seed checks before it writes.",
        ],
        heading: "What the seed does",
        list: [
          "Creates the demo login",
          "Sets up three blogs",
          "Publishes a few posts through the posts service",
        ],
        code: { language: "bash", text: "npm run dev\n# then open http://demo.localhost:3000" },
      },
    ],
  },
  {
    slug: "ada",
    name: "Notes on the Analytical Engine",
    theme: "minimal",
    posts: [
      {
        slug: "the-engine-weaves",
        title: "The engine weaves algebraic patterns",
        tags: ["computing", "history"],
        daysAgo: 5,
        paragraphs: [
          "The Analytical Engine weaves algebraical patterns just as the Jacquard loom weaves flowers and leaves.",
          "It can arrange and combine its numerical quantities exactly as if they were letters or any other general symbols.",
        ],
      },
      {
        slug: "note-g",
        title: "Note G, or computing Bernoulli numbers",
        tags: ["mathematics", "computing"],
        daysAgo: 3,
        paragraphs: [
          "A table of operations shows, step by step, how the engine would compute the Bernoulli numbers.",
          "The engine has no pretensions to originate anything; it can do whatever we know how to order it to perform.",
        ],
      },
    ],
  },
  {
    slug: "grace",
    name: "Compilers and Other Adventures",
    theme: "bold",
    posts: [
      {
        slug: "the-first-bug",
        title: "The first actual bug",
        tags: ["debugging", "history"],
        daysAgo: 4,
        paragraphs: [
          "A moth found in relay 70 of the Mark II went into the log book with the note: first actual case of bug being found.",
          "Debugging has meant patience and a good notebook ever since.",
        ],
      },
      {
        slug: "nanoseconds",
        title: "What a nanosecond looks like",
        tags: ["engineering"],
        daysAgo: 2,
        paragraphs: [
          "A nanosecond is the length of wire light travels in a billionth of a second: about thirty centimetres.",
          "Hand one out to anyone who asks why a satellite message takes so long.",
        ],
      },
    ],
  },
];

const text = (t: string) => ({ type: "text", text: t });

/** Tiptap (ProseMirror) JSON for a demo post: its paragraphs, then its optional heading, list and code. */
export function tiptapDoc(post: Pick<DemoPost, "paragraphs" | "heading" | "list" | "code">) {
  const content: unknown[] = post.paragraphs.map((t) => ({ type: "paragraph", content: [text(t)] }));
  if (post.heading) content.push({ type: "heading", attrs: { level: 2 }, content: [text(post.heading)] });
  if (post.list?.length) {
    content.push({
      type: "bulletList",
      content: post.list.map((t) => ({
        type: "listItem",
        content: [{ type: "paragraph", content: [text(t)] }],
      })),
    });
  }
  if (post.code) {
    content.push({
      type: "codeBlock",
      attrs: { language: post.code.language },
      content: [text(post.code.text)],
    });
  }
  return { type: "doc", content };
}
