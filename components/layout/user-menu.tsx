"use client";

import Link from "next/link";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { Avatar } from "../ui/avatar";
import { Spinner } from "../ui/spinner";
import { useDisclosure } from "../ui/use-disclosure";

export interface MenuUser {
  name: string;
  email: string;
  platformAdmin: boolean;
}

/** Avatar button with a small disclosure menu; closes on Escape, outside click and navigation. */
export function UserMenu({
  user,
  placement = "bottom-end",
}: {
  user: MenuUser;
  /** Where the panel opens: under the button (header) or above it (sidebar footer). */
  placement?: "bottom-end" | "top-start";
}) {
  const { open, setOpen, rootRef, buttonProps, panelId } = useDisclosure();
  const [signingOut, setSigningOut] = useState(false);

  const item =
    "block w-full rounded-md px-3 py-2 text-left text-sm text-ink-soft hover:bg-stone-100 hover:text-ink";
  const displayName = user.name || user.email;

  return (
    <div ref={rootRef} className="relative">
      <button
        {...buttonProps}
        aria-label="Account menu"
        className="flex items-center gap-2 rounded-full py-1 pr-1 pl-1 hover:bg-stone-100 sm:pr-3"
      >
        <Avatar name={displayName} size="sm" />
        <span className="hidden max-w-40 truncate text-sm font-medium text-ink sm:inline">{displayName}</span>
      </button>
      {open ? (
        <div
          id={panelId}
          className={`absolute z-40 w-60 rounded-card border border-line bg-surface p-1.5 shadow-pop ${
            placement === "top-start" ? "bottom-full left-0 mb-2" : "top-full right-0 mt-2"
          }`}
        >
          <div className="border-b border-line px-3 pt-1.5 pb-2.5">
            <p className="truncate text-sm font-medium text-ink">{displayName}</p>
            <p className="truncate text-xs text-muted">{user.email}</p>
          </div>
          <nav aria-label="Account" className="pt-1.5">
            <Link href="/studio" className={item} onClick={() => setOpen(false)}>
              My blogs
            </Link>
            <Link href="/account" className={item} onClick={() => setOpen(false)}>
              Your account
            </Link>
            <Link href="/new" className={item} onClick={() => setOpen(false)}>
              Start a new blog
            </Link>
            {user.platformAdmin ? (
              <Link href="/admin/audit" className={item} onClick={() => setOpen(false)}>
                Audit log
              </Link>
            ) : null}
            {user.platformAdmin ? (
              <Link href="/admin/worker" className={item} onClick={() => setOpen(false)}>
                Background worker
              </Link>
            ) : null}
            <button
              type="button"
              className={`${item} flex items-center gap-2`}
              disabled={signingOut}
              onClick={() => {
                setSigningOut(true);
                void signOut({ callbackUrl: "/" });
              }}
            >
              {signingOut ? <Spinner className="size-3.5" /> : null}
              {signingOut ? "Signing out…" : "Sign out"}
            </button>
          </nav>
        </div>
      ) : null}
    </div>
  );
}
