"use client";

import { useQuery } from "@tanstack/react-query";
import type { PostPipelineState } from "@/server/services/pipeline/post-state";
import { useTRPC } from "../trpc/client";

/**
 * Pipeline states of some posts of the studio's blog, refreshed every second while any of them is
 * still in flight, so the chips turn green live (the studio's tRPC client carries the blog).
 */
export function usePipelineStates(ids: string[]): Map<string, PostPipelineState> {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.pipeline.posts.queryOptions({ ids: ids.slice(0, 200) }),
    enabled: ids.length > 0,
    refetchInterval: (q) => (q.state.data?.some((s) => !s.settled) ? 1_000 : 15_000),
    refetchOnWindowFocus: true,
  });
  return new Map((query.data ?? []).map((s) => [s.postId, s]));
}
