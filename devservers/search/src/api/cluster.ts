import type { Engine } from "../engine";
import { NODE_ID } from "../errors";
import type { Router } from "../http/server";

/** The version the server answers as: an Elasticsearch the 9.x client accepts. */
export const VERSION = {
  number: "9.4.0",
  build_flavor: "default",
  build_type: "tar",
  build_hash: "conduit-embedded",
  build_date: "2026-01-01T00:00:00.000Z",
  build_snapshot: false,
  lucene_version: "10.4.0",
  minimum_wire_compatibility_version: "8.19.0",
  minimum_index_compatibility_version: "8.0.0",
};
export const CLUSTER_NAME = "conduit-search";
const CLUSTER_UUID = "c0nduitEmbeddedSearch0";

export function clusterRoutes(router: Router, engine: Engine): void {
  router.add(["GET", "HEAD"], "/", () => ({
    status: 200,
    body: {
      name: NODE_ID,
      cluster_name: CLUSTER_NAME,
      cluster_uuid: CLUSTER_UUID,
      version: VERSION,
      tagline: "You Know, for Search",
    },
  }));

  const health = (index?: string) => {
    const indices = engine.resolve(index, { ignoreUnavailable: false });
    // One node: replicas never get assigned, so an index with replicas is yellow.
    const unassigned = indices.reduce((n, i) => n + i.replicas, 0);
    return {
      status: 200,
      body: {
        cluster_name: CLUSTER_NAME,
        status: unassigned > 0 ? "yellow" : "green",
        timed_out: false,
        number_of_nodes: 1,
        number_of_data_nodes: 1,
        active_primary_shards: indices.length,
        active_shards: indices.length,
        relocating_shards: 0,
        initializing_shards: 0,
        unassigned_shards: unassigned,
        unassigned_primary_shards: 0,
        delayed_unassigned_shards: 0,
        number_of_pending_tasks: 0,
        number_of_in_flight_fetch: 0,
        task_max_waiting_in_queue_millis: 0,
        active_shards_percent_as_number:
          indices.length + unassigned === 0 ? 100 : (100 * indices.length) / (indices.length + unassigned),
      },
    };
  };
  router.add("GET", "/_cluster/health", () => health());
  router.add("GET", "/_cluster/health/{index}", (req) => health(req.pathParams.index));

  const cat = (index?: string, format?: string | null) => {
    const rows = engine.resolve(index).map((i) => ({
      health: i.replicas > 0 ? "yellow" : "green",
      status: "open",
      index: i.name,
      uuid: i.uuid,
      pri: "1",
      rep: String(i.replicas),
      "docs.count": String(i.segment.liveCount),
      "docs.deleted": String(i.segment.deletedCount),
    }));
    if (format === "json") return { status: 200, body: rows };
    return {
      status: 200,
      body: `${rows.map((r) => Object.values(r).join(" ")).join("\n")}${rows.length ? "\n" : ""}`,
    };
  };
  router.add("GET", "/_cat/indices", (req) => cat(undefined, req.params.get("format")));
  router.add("GET", "/_cat/indices/{index}", (req) => cat(req.pathParams.index, req.params.get("format")));
}
