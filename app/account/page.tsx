import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AccountSettings } from "@/components/account/account-settings";
import { SiteHeader } from "@/components/layout/site-header";
import { currentUser } from "@/components/session/current-user";
import { getServices } from "@/server/services/container";

export const metadata: Metadata = { title: "Your account" };
export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent("/account")}`);
  const profile = await getServices().profiles.get(user.id);

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="mx-auto max-w-3xl px-4 pt-8 pb-20 sm:px-6 sm:pt-14">
        <div className="mb-8">
          <h1 className="font-serif text-3xl font-semibold tracking-tight text-ink sm:text-4xl">
            Your account
          </h1>
          <p className="mt-2 text-muted">
            Signed in as <span className="font-medium text-ink">{profile.email}</span>. Your name, picture and
            bio appear on every blog you write for.
          </p>
        </div>
        <AccountSettings initial={profile} />
      </main>
    </>
  );
}
