import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { GithubButton } from "@/components/auth/github-button";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { safeCallbackUrl } from "@/components/forms/errors";
import { currentUser } from "@/components/session/current-user";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl, "/new");
  if (await currentUser()) redirect(callbackUrl);
  const signInHref =
    callbackUrl === "/new" ? "/signin" : `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`;

  return (
    <AuthCard
      title="Start your blog"
      subtitle="Create an account — your blog gets its own address and its own database."
      footer={
        <>
          Already have an account?{" "}
          <Link href={signInHref} className="font-medium text-accent underline-offset-4 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <SignUpForm callbackUrl={callbackUrl} />
      {env.GITHUB_ID && env.GITHUB_SECRET ? <GithubButton callbackUrl={callbackUrl} /> : null}
    </AuthCard>
  );
}
