"use client";

import { useEffect } from "react";
import { ErrorShell } from "@/components/errors/error-shell";
import { Button, buttonClasses } from "@/components/ui/button";

/** Anything a page threw. The message stays in the server log; the reader gets a way forward. */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <ErrorShell
      code="Something went wrong"
      title="We hit a snag"
      home="/"
      actions={
        <>
          <Button size="lg" onClick={() => reset()}>
            Try again
          </Button>
          <a href="/" className={buttonClasses("secondary", "lg")}>
            Go to the homepage
          </a>
        </>
      }
    >
      <p>This page couldn't load just now. Try again in a moment — your work is safe.</p>
      {error.digest ? <p className="mt-3 font-mono text-xs text-muted">Reference: {error.digest}</p> : null}
    </ErrorShell>
  );
}
