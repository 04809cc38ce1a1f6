import type { PostStatus } from "@/server/services/posts/posts-service";
import { Badge } from "../ui/badge";

const tone = { published: "success", scheduled: "accent", draft: "warning", archived: "neutral" } as const;
const label = {
  published: "Published",
  scheduled: "Scheduled",
  draft: "Draft",
  archived: "Archived",
} as const;

export function PostStatusBadge({ status }: { status: PostStatus }) {
  return <Badge tone={tone[status]}>{label[status]}</Badge>;
}
