import type { Theme } from "@/server/db/models";

/** What every reader page knows about its blog (from the tenant record and its settings). */
export interface SiteView {
  slug: string;
  name: string;
  description: string;
  theme: Theme;
  logoUrl: string | null;
  navigation: { label: string; url: string }[];
  /** `http://<slug>.<root>` — canonical URLs, feeds, Open Graph. */
  origin: string;
  /** The platform (sign-in lives there). */
  rootOrigin: string;
}

/** Front-server assets, content-hashed. */
export interface ReaderAssets {
  css: string;
  js: string;
}

export interface AuthorView {
  id: string;
  name: string;
  username: string;
  bio: string;
  image: string | null;
}

/** A post as lists show it. */
export interface PostCard {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  tags: string[];
  publishedAt: Date;
  updatedAt: Date;
  readingMinutes: number | null;
  coverUrl: string | null;
  coverAlt: string;
  featured: boolean;
  comments: number;
  authorIds: string[];
}

/** A post or page as its own page shows it; `html` was sanitized by the shared renderer at save. */
export interface PostView extends PostCard {
  type: "post" | "page";
  html: string;
  customExcerpt: boolean;
  version: number;
  wordCount: number | null;
  /** Nearest posts across the network, stored by the pipeline's result consumer (absolute URLs). */
  related?: { title: string; url: string; blog: string }[];
}
