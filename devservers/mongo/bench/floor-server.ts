/**
 * The benchmark's baseline server (not a database): it speaks just enough of the wire protocol for
 * the driver to connect, and answers every `find` at once with one fixed, pre-encoded document.
 * A find against it costs the driver, the kernel and the machine what a find against any server
 * costs, with no server work at all, so `npm run bench:mongo` measures it in the same run and
 * reports how much the real server adds on top: a figure the machine's noise moves far less
 * than the raw latency.
 * Usage: floor-server.ts; prints `ready <uri>`.
 */
import net from "node:net";
import { Long } from "bson";
import { serializeToBuffer } from "../src/bson-buffer";
import { helloReply } from "../src/commands/admin";
import { rawDoc } from "../src/storage/bson-doc-map";
import { encodeCursorReplyFrame } from "../src/wire/cursor-reply";
import { frame, MessageFramer } from "../src/wire/framing";
import { encodeOpMsg, parseOpMsg } from "../src/wire/op-msg";
import { encodeOpReply } from "../src/wire/op-query";
import { OP_MSG, OP_QUERY, OP_REPLY } from "../src/wire/opcodes";
import { makeDoc } from "./workload";

/** The stored document as the real server's batches carry it: bytes only, spliced into the reply. */
const stored = rawDoc(serializeToBuffer(makeDoc(1)));

let nextId = 1;
let connections = 0;
const server = net.createServer((socket) => {
  const connectionId = ++connections;
  socket.setNoDelay(true);
  const framer = new MessageFramer();
  socket.on("data", (chunk) => {
    for (const msg of framer.push(chunk)) {
      if (msg.opCode === OP_QUERY) {
        socket.write(frame(nextId++, msg.requestId, OP_REPLY, encodeOpReply(helloReply(connectionId, true))));
        continue;
      }
      if (msg.opCode !== OP_MSG) continue;
      const { command, moreToCome } = parseOpMsg(msg.body);
      if (moreToCome) continue;
      const name = Object.keys(command)[0];
      const id = nextId++;
      if (name === "find") {
        const reply = {
          cursor: { firstBatch: [stored], id: Long.ZERO, ns: `${command.$db}.${command.find}` },
          ok: 1,
        };
        socket.write(encodeCursorReplyFrame(id, msg.requestId, reply)!);
      } else {
        const reply = name === "hello" || name === "isMaster" ? helloReply(connectionId, false) : { ok: 1 };
        socket.write(frame(id, msg.requestId, OP_MSG, encodeOpMsg(reply)));
      }
    }
  });
  socket.on("error", () => {});
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`ready mongodb://127.0.0.1:${(server.address() as net.AddressInfo).port}\n`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
