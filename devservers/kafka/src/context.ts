import type { Broker } from "./broker";
import type { Reader } from "./protocol/reader";
import type { Writer } from "./protocol/writer";

/** What a request handler knows about its request and connection. */
export interface RequestContext {
  readonly broker: Broker;
  readonly apiVersion: number;
  readonly clientId: string;
  /** As Kafka reports it in DescribeGroups: "/<address>". */
  readonly clientHost: string;
  /** Where clients reach this broker (Metadata, FindCoordinator). */
  readonly advertised: { host: string; port: number };
  /** Aborted when the connection closes or the server stops (ends long polls). */
  readonly signal: AbortSignal;
  /** Closes the connection after this request (acks=0 produce errors, as Kafka does). */
  closeConnection(): void;
}

/** A handler writes the response body; returning NO_RESPONSE sends nothing (acks=0 produce). */
export type Handler = (ctx: RequestContext, r: Reader, w: Writer) => Promise<unknown> | unknown;

export const NO_RESPONSE = Symbol("no response");
