import type { RequestContext } from "../context";
import { SUPPORTED_VERSIONS } from "../protocol/api-keys";
import type { Reader } from "../protocol/reader";
import type { Writer } from "../protocol/writer";

/** ApiVersions v0–v2: error_code [api_key min_version max_version] (v1+: throttle_time_ms). */
export function writeApiVersions(w: Writer, version: number, error = 0): void {
  w.int16(error);
  w.array([...SUPPORTED_VERSIONS], (w, [key, v]) => w.int16(key).int16(v.min).int16(v.max));
  if (version >= 1) w.int32(0);
}

export function apiVersions(ctx: RequestContext, _r: Reader, w: Writer): void {
  writeApiVersions(w, ctx.apiVersion);
}
