"use client";

import { PipelineChips } from "./pipeline-chips";
import { usePipelineStates } from "./use-pipeline-states";

/** The live pipeline chips of one post (studio list rows and the editor). */
export function PostPipeline({ postId, compact = false }: { postId: string; compact?: boolean }) {
  const state = usePipelineStates([postId]).get(postId);
  if (!state) return null;
  return <PipelineChips state={state} compact={compact} />;
}
