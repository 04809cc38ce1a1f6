import net from "node:net";
import type { Document } from "bson";
import { helloReply } from "./commands/admin";
import { writesResults } from "./commands/aggregate-output";
import type { CommandContext } from "./commands/context";
import { CursorStore } from "./commands/cursor-store";
import { COMMANDS, WRITE_COMMANDS } from "./commands/registry";
import { SessionCache } from "./commands/sessions";
import { refuseUnsupportedOptions } from "./commands/validate";
import { mongoError, toServerError } from "./errors";
import type { StorageEngine } from "./storage/engine";
import { encodeCursorReplyFrame } from "./wire/cursor-reply";
import { frame, MessageFramer, type RawMessage } from "./wire/framing";
import { type ExactCommandBytes, encodeOpMsg, parseOpMsg } from "./wire/op-msg";
import { encodeOpReply, parseOpQuery } from "./wire/op-query";
import { OP_MSG, OP_QUERY, OP_REPLY } from "./wire/opcodes";

export interface WireServerOptions {
  engine: StorageEngine;
  log?: (msg: string) => void;
}

/** Accepts connections, decodes requests, runs commands and writes replies in request order. */
export class WireServer {
  readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly cursors = new CursorStore();
  private readonly sessions = new SessionCache();
  private nextConnectionId = 1;
  private nextRequestId = 1;

  constructor(private readonly opts: WireServerOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private accept(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const framer = new MessageFramer();
    // Replies go out in request order even when a write waits for its fsync: while any reply is
    // pending, later ones queue behind it. A read answered synchronously with nothing pending is
    // written at once, without promise hops.
    let pending = 0;
    let chain: Promise<void> = Promise.resolve();
    const send = (reply: Buffer | undefined) => {
      if (reply && !socket.destroyed) socket.write(reply);
    };
    socket.on("data", (chunk) => {
      let messages: RawMessage[];
      try {
        messages = framer.push(chunk);
      } catch (err) {
        this.opts.log?.(`connection ${connectionId}: ${(err as Error).message}`);
        socket.destroy();
        return;
      }
      for (const msg of messages) {
        let reply: Buffer | undefined | Promise<Buffer | undefined>;
        try {
          reply = this.handle(msg, connectionId);
        } catch (err) {
          this.opts.log?.(`connection ${connectionId}: ${(err as Error).message}`);
          socket.destroy();
          return;
        }
        if (pending === 0 && !(reply instanceof Promise)) {
          send(reply);
          continue;
        }
        pending++;
        const queued = reply;
        chain = chain.then(async () => {
          try {
            send(await queued);
          } catch (err) {
            this.opts.log?.(`connection ${connectionId}: ${(err as Error).message}`);
            socket.destroy();
          } finally {
            pending--;
          }
        });
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => this.sockets.delete(socket));
  }

  private handle(msg: RawMessage, connectionId: number): Buffer | undefined | Promise<Buffer | undefined> {
    if (msg.opCode === OP_QUERY) {
      const q = parseOpQuery(msg.body);
      const name = Object.keys(q.query)[0] ?? "";
      let reply: Document;
      if (q.fullCollectionName.endsWith(".$cmd") && ["isMaster", "ismaster", "hello"].includes(name)) {
        reply = helloReply(connectionId, name !== "hello");
      } else {
        reply = mongoError("NotImplemented", "OP_QUERY is only supported for the handshake").toReply();
      }
      return frame(this.nextRequestId++, msg.requestId, OP_REPLY, encodeOpReply(reply));
    }
    if (msg.opCode !== OP_MSG) {
      this.opts.log?.(`connection ${connectionId}: unsupported opCode ${msg.opCode}`);
      return undefined;
    }
    let reply: Document | Promise<Document>;
    let moreToCome = false;
    try {
      const req = parseOpMsg(msg.body);
      moreToCome = req.moreToCome;
      reply = this.run(req.command, connectionId, req.insertBytes, req.exactBytes);
    } catch (err) {
      reply = toServerError(err).toReply();
    }
    const encode = (doc: Document) => {
      if (moreToCome) return undefined;
      const id = this.nextRequestId++;
      return (
        encodeCursorReplyFrame(id, msg.requestId, doc) ?? frame(id, msg.requestId, OP_MSG, encodeOpMsg(doc))
      );
    };
    return reply instanceof Promise ? reply.then(encode) : encode(reply);
  }

  /** Synchronous for reads; a promise when the handler is asynchronous or the journal must commit. */
  private run(
    command: Document,
    connectionId: number,
    insertBytes?: Buffer[],
    exactBytes?: ExactCommandBytes,
  ): Document | Promise<Document> {
    const name = Object.keys(command)[0] ?? "";
    const handler = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!handler) return mongoError("CommandNotFound", `no such command: '${name}'`).toReply();
    const db = command.$db;
    if (typeof db !== "string" || db.length === 0) {
      return mongoError("InvalidNamespace", "Invalid database name: ''").toReply();
    }
    if (command.lsid !== undefined) this.sessions.touch(command.lsid);
    const ctx: CommandContext = {
      engine: this.opts.engine,
      cursors: this.cursors,
      connectionId,
      db,
      connectionCount: () => this.sockets.size,
      sessions: this.sessions,
      insertBytes,
      exactBytes,
    };
    let reply: Document | Promise<Document>;
    try {
      // A standalone mongod has no transactions (nor retryable writes, which drivers then skip).
      if (command.txnNumber !== undefined) {
        throw mongoError(
          "IllegalOperation",
          "Transaction numbers are only allowed on a replica set member or mongos",
        );
      }
      refuseUnsupportedOptions(command);
      reply = handler(command, ctx);
    } catch (err) {
      reply = toServerError(err).toReply();
    }
    const write = WRITE_COMMANDS.has(name) || (name === "aggregate" && writesResults(command));
    if (!write && !(reply instanceof Promise)) return reply;
    return (async () => {
      let out: Document;
      try {
        out = await reply;
      } catch (err) {
        out = toServerError(err).toReply();
      }
      // Acknowledge only once the change is in the fsynced journal (even on a partial failure).
      if (write) await this.opts.engine.commit();
      return out;
    })();
  }
}
