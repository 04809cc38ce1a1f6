import type { PostDoc } from "../../db";
import { isSearchable } from "./task-producer";

export type StepKey = "saved" | "feed" | "sent" | "enriched" | "searchable";
export type StepState = "done" | "pending" | "skipped";

export interface PipelineStep {
  key: StepKey;
  label: string;
  state: StepState;
  at: Date | null;
}

export interface PostPipelineState {
  postId: string;
  version: number;
  steps: PipelineStep[];
  /** Every applicable step is done for the current version (the studio stops polling). */
  settled: boolean;
}

const LABELS: Record<StepKey, string> = {
  saved: "Saved",
  feed: "In feed",
  sent: "Enrichment sent",
  enriched: "Enriched",
  searchable: "Searchable",
};

type PipelineFields = Pick<
  PostDoc,
  | "_id"
  | "version"
  | "syncedVersion"
  | "ingestedVersion"
  | "enrichedVersion"
  | "pipeline"
  | "enrichment"
  | "status"
  | "type"
  | "deletedAt"
  | "updatedAt"
>;

/** The studio's pipeline chips: saved → in feed → enrichment sent → enriched → searchable. */
export function postPipelineState(post: PipelineFields): PostPipelineState {
  const v = post.version;
  const p = post.pipeline ?? {};
  const live = isSearchable(post);
  const step = (key: StepKey, done: boolean, at: Date | null | undefined): PipelineStep => ({
    key,
    label: LABELS[key],
    state: live || key === "saved" ? (done ? "done" : "pending") : "skipped",
    at: done ? (at ?? null) : null,
  });
  const steps = [
    step("saved", true, p.savedAt ?? post.updatedAt),
    step("feed", (post.syncedVersion ?? 0) >= v, p.syncedAt),
    step("sent", (post.ingestedVersion ?? -1) >= v && !p.tombstonedAt, p.ingestedAt),
    step("enriched", post.enrichment?.version === v, p.enrichedAt ?? post.enrichment?.enrichedAt),
    step("searchable", (post.enrichedVersion ?? -1) >= v && Boolean(p.indexedAt), p.indexedAt),
  ];
  return {
    postId: post._id.toHexString(),
    version: v,
    steps,
    settled: steps.every((s) => s.state !== "pending"),
  };
}

export const PIPELINE_STATE_PROJECTION = {
  version: 1,
  syncedVersion: 1,
  ingestedVersion: 1,
  enrichedVersion: 1,
  pipeline: 1,
  "enrichment.version": 1,
  "enrichment.enrichedAt": 1,
  status: 1,
  type: 1,
  deletedAt: 1,
  updatedAt: 1,
} as const;
