"use server";

import { revalidatePath } from "next/cache";
import { notFound } from "next/navigation";
import { requireUser } from "@/components/studio/load";
import { getServices } from "@/server/services/container";
import { METRICS_QUEUE, SCHEDULER_QUEUE } from "@/server/services/scheduler/queues";

/** Platform admins only, checked on every call (a server action is a public endpoint). */
async function requireAdmin(): Promise<void> {
  const user = await requireUser("/admin/worker");
  if (!user.platformAdmin) notFound();
}

export async function retryFailedJobs(form: FormData): Promise<void> {
  await requireAdmin();
  const queue = form.get("queue") === METRICS_QUEUE ? METRICS_QUEUE : SCHEDULER_QUEUE;
  await getServices().queues.queue(queue).retryJobs({ state: "failed" });
  revalidatePath("/admin/worker");
}

export async function runSweepNow(): Promise<void> {
  await requireAdmin();
  await getServices()
    .queues.queue(SCHEDULER_QUEUE)
    .add("sweep", {}, { jobId: `sweep-manual-${Date.now()}`, removeOnComplete: 100 });
  revalidatePath("/admin/worker");
}
