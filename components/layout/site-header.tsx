import { ButtonLink } from "../ui/button";
import { Logo } from "./logo";
import { type MenuUser, UserMenu } from "./user-menu";

/** The root domain's header: sign in / start a blog, or the signed-in user's menu. */
export function SiteHeader({ user }: { user: MenuUser | null }) {
  return (
    <header className="sticky top-0 z-30 border-b border-line/80 bg-paper/85 backdrop-blur">
      <div className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-4 px-4 sm:px-6">
        <Logo />
        <nav aria-label="Main" className="flex items-center gap-1.5 sm:gap-2">
          {user ? (
            <>
              <span className="hidden sm:block">
                <ButtonLink href="/studio" variant="ghost" size="sm">
                  My blogs
                </ButtonLink>
              </span>
              <UserMenu user={user} />
            </>
          ) : (
            <>
              <ButtonLink href="/signin" variant="ghost" size="sm">
                Sign in
              </ButtonLink>
              <ButtonLink href="/signup" size="sm">
                Start a blog
              </ButtonLink>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}
