import { pipelineModule } from "../../server/services/pipeline/worker-module";
import type { WorkerModule } from "../module";
import { metricsModule } from "./metrics";
import { schedulerModule } from "./scheduler";

/**
 * Everything `npm run worker` runs, in start order (stopped in reverse). A new job family or
 * consumer (e.g. the pipeline's Kafka result consumer) is one more entry here.
 */
export function defaultModules(): WorkerModule[] {
  return [schedulerModule(), metricsModule(), pipelineModule()];
}
