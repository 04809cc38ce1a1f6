import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { GithubButton } from "@/components/auth/github-button";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeCallbackUrl } from "@/components/forms/errors";
import { currentUser } from "@/components/session/current-user";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Sign in" };

/** next-auth sends errors back as `?error=`; these are the ones a person can hit. */
const AUTH_ERRORS: Record<string, string> = {
  CredentialsSignin: "That e-mail and password don't match an account.",
  OAuthAccountNotLinked: "That e-mail already has an account. Sign in with your password.",
  SessionRequired: "Sign in to continue.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl, "/studio");
  if (await currentUser()) redirect(callbackUrl);
  const error =
    typeof params.error === "string" ? (AUTH_ERRORS[params.error] ?? "We couldn't sign you in.") : undefined;
  const signUpHref =
    callbackUrl === "/studio" ? "/signup" : `/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`;

  return (
    <AuthCard
      title="Welcome back"
      subtitle="Sign in to write, publish and manage your blogs."
      footer={
        <>
          New to Conduit?{" "}
          <Link href={signUpHref} className="font-medium text-accent underline-offset-4 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm callbackUrl={callbackUrl} initialError={error} />
      {env.GITHUB_ID && env.GITHUB_SECRET ? <GithubButton callbackUrl={callbackUrl} /> : null}
    </AuthCard>
  );
}
