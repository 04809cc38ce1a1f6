import { createConnection } from "node:net";

export function redisAddress(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || "127.0.0.1", port: Number(parsed.port || 6379) };
}

/** Whether a Redis server answers on `url` (a PING gets any reply, `-NOAUTH` included). */
export function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { host, port } = redisAddress(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => finish(/^[+-]/.test(data.toString())));
    socket.once("error", () => finish(false));
  });
}
