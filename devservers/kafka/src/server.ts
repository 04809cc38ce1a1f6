/**
 * The TCP side: size-prefixed frames, request header v1 (api_key, api_version, correlation_id,
 * client_id), response header v0 (correlation_id). Like Kafka, each connection's requests are
 * handled one at a time, in order (a long-polling Fetch or a JoinGroup waiting for the rebalance
 * holds its connection; kafkajs fetches on a connection of its own).
 *
 * A request for an API or version that ApiVersions does not advertise is answered the way Kafka
 * answers it: ApiVersions gets a v0 response with UNSUPPORTED_VERSION (35) and the supported
 * ranges; anything else closes the connection ("Received request api key X with version Y which
 * is not supported").
 */
import net from "node:net";
import { HANDLERS } from "./apis";
import { writeApiVersions } from "./apis/api-versions";
import type { Broker } from "./broker";
import { type Handler, NO_RESPONSE, type RequestContext } from "./context";
import { ApiKey, isSupported } from "./protocol/api-keys";
import { ErrorCode } from "./protocol/errors";
import { MalformedRequest, Reader } from "./protocol/reader";
import { Writer } from "./protocol/writer";

/** socket.request.max.bytes */
const MAX_REQUEST_BYTES = 100 * 1024 * 1024;
/** Produce requests of one connection waiting for their fsync at once (kafkajs bounds its own). */
const MAX_PIPELINED = 256;

export class KafkaServer {
  private server: net.Server;
  private sockets = new Set<net.Socket>();
  private stopping = new AbortController();
  private advertised = { host: "127.0.0.1", port: 0 };

  constructor(
    private readonly broker: Broker,
    private readonly log?: (m: string) => void,
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(port: number, host: string, advertisedHost?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        const address = this.server.address() as net.AddressInfo;
        const wildcard = host === "0.0.0.0" || host === "::";
        this.advertised = { host: advertisedHost ?? (wildcard ? "127.0.0.1" : host), port: address.port };
        resolve(address.port);
      });
    });
  }

  get advertisedAddress(): { host: string; port: number } {
    return this.advertised;
  }

  async close(): Promise<void> {
    this.stopping.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const connection = new AbortController();
    const onStop = () => connection.abort();
    this.stopping.signal.addEventListener("abort", onStop);
    socket.on("close", () => {
      this.sockets.delete(socket);
      this.stopping.signal.removeEventListener("abort", onStop);
      connection.abort();
    });
    socket.on("error", () => {});

    const queue: Buffer[] = [];
    let busy = false;
    let pending: Buffer[] = [];
    let pendingBytes = 0;

    /** Responses are written in request order; `tail` is the last one queued. */
    let tail: Promise<void> = Promise.resolve();
    let inFlight = 0;

    const pump = async () => {
      if (busy) return;
      busy = true;
      while (queue.length > 0 && !socket.destroyed) {
        const frame = queue.shift()!;
        // Produce requests are pipelined: each appends at once, in order, and waits for its
        // fsync while the next one appends, so one connection's acks=-1 produces share a group
        // commit. Anything else waits until every earlier request is answered, as on Kafka.
        const pipelined =
          frame.length >= 2 && frame.readInt16BE(0) === ApiKey.Produce && inFlight < MAX_PIPELINED;
        if (!pipelined) await tail;
        inFlight++;
        const answer = this.handle(frame, socket, connection.signal);
        const previous = tail;
        tail = (async () => {
          let out: Response;
          try {
            out = await answer;
          } catch (err) {
            out = { error: err as Error };
          }
          await previous;
          inFlight--;
          if (socket.destroyed) return;
          if ("error" in out) {
            this.log?.(`closing connection from ${socket.remoteAddress}: ${out.error.message}`);
            socket.destroy();
            return;
          }
          if (out.chunks) this.write(socket, out.chunks);
          if (out.close) socket.destroy();
        })();
        if (!pipelined) await tail;
      }
      busy = false;
    };

    /** Bytes the incomplete frame at the head of `pending` needs (0: unknown yet). */
    let needed = 0;
    socket.on("data", (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < needed) return; // a large request still arriving: don't re-concatenate
      let buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      let at = 0;
      needed = 0;
      while (buf.length - at >= 4) {
        const size = buf.readInt32BE(at);
        if (size < 0 || size > MAX_REQUEST_BYTES) {
          this.log?.(`closing connection from ${socket.remoteAddress}: request of ${size} bytes`);
          socket.destroy();
          return;
        }
        if (buf.length - at - 4 < size) {
          needed = 4 + size;
          break;
        }
        queue.push(buf.subarray(at + 4, at + 4 + size));
        at += 4 + size;
      }
      buf = buf.subarray(at);
      pending = buf.length ? [buf] : [];
      pendingBytes = buf.length;
      void pump();
    });
  }

  private async handle(frame: Buffer, socket: net.Socket, signal: AbortSignal): Promise<Response> {
    const r = new Reader(frame);
    const apiKey = r.int16();
    const apiVersion = r.int16();
    const correlationId = r.int32();
    const w = new Writer();
    if (!isSupported(apiKey, apiVersion)) {
      if (apiKey !== ApiKey.ApiVersions) {
        throw new MalformedRequest(
          `Received request api key ${apiKey} with version ${apiVersion} which is not supported`,
        );
      }
      // Unsupported ApiVersions: answered in v0 with the ranges, so the client can retry lower.
      writeApiVersions(w, 0, ErrorCode.UNSUPPORTED_VERSION);
      return { chunks: frameOf(correlationId, w), close: false };
    }
    const clientId = r.nullableString() ?? "";
    const handler: Handler | undefined = HANDLERS.get(apiKey);
    if (!handler) throw new MalformedRequest(`no handler for api key ${apiKey}`);
    let close = false;
    const ctx: RequestContext = {
      broker: this.broker,
      apiVersion,
      clientId,
      clientHost: `/${(socket.remoteAddress ?? "").replace(/^::ffff:/, "")}`,
      advertised: this.advertised,
      signal,
      closeConnection: () => {
        close = true;
      },
    };
    const result = await handler(ctx, r, w);
    return { chunks: result === NO_RESPONSE ? null : frameOf(correlationId, w), close };
  }

  private write(socket: net.Socket, chunks: Buffer[]): void {
    socket.cork();
    for (const b of chunks) socket.write(b);
    socket.uncork();
  }
}

type Response = { chunks: Buffer[] | null; close: boolean } | { error: Error };

/** Size and response header v0 (correlation id) in front of the body. */
function frameOf(correlationId: number, w: Writer): Buffer[] {
  const body = w.finish();
  let length = 4;
  for (const b of body) length += b.length;
  const header = Buffer.allocUnsafe(8);
  header.writeInt32BE(length, 0);
  header.writeInt32BE(correlationId, 4);
  return [header, ...body];
}
