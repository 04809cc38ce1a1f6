/**
 * The editor's safety net: every change is written to localStorage before it is sent, and
 * cleared only once the server has it. A reload, a crash or a long offline spell therefore never
 * loses typing; on the next open the copy is saved (or shown against the server's newer version).
 */

export interface PendingFields {
  title?: string;
  content?: unknown;
  slug?: string;
  tags?: string[];
  excerpt?: string;
  coverUrl?: string | null;
  coverAlt?: string;
  featured?: boolean;
  authorIds?: string[];
}

export interface LocalCopy {
  postId: string;
  /** The server version these changes were made on top of. */
  baseVersion: number;
  fields: PendingFields;
  at: number;
}

const key = (postId: string) => `conduit:post-draft:${postId}`;

export function readLocalCopy(postId: string): LocalCopy | null {
  try {
    const raw = window.localStorage.getItem(key(postId));
    if (!raw) return null;
    const copy = JSON.parse(raw) as LocalCopy;
    return copy && copy.postId === postId && typeof copy.baseVersion === "number" && copy.fields
      ? copy
      : null;
  } catch {
    return null;
  }
}

export function writeLocalCopy(copy: LocalCopy): void {
  try {
    window.localStorage.setItem(key(copy.postId), JSON.stringify(copy));
  } catch {
    // Storage full or disabled: the server save is still on its way; nothing else to do here.
  }
}

export function clearLocalCopy(postId: string): void {
  try {
    window.localStorage.removeItem(key(postId));
  } catch {
    // ignore
  }
}
