"use client";

import { isServer, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { type ReactNode, useState } from "react";
import superjson from "superjson";
import type { AppRouter } from "@/server/routers";
import { TRPCProvider } from "./client";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // Server-rendered pages already carry fresh data; avoid an immediate refetch on mount.
      queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: false },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

function getQueryClient() {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

/**
 * tRPC + react-query for client components. `url` defaults to the root API; the studio passes
 * `/studio/<slug>/api/trpc` so the middleware attaches the tenant from the URL, never the body.
 */
export function TRPCReactProvider({ children, url = "/api/trpc" }: { children: ReactNode; url?: string }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url, transformer: superjson })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
