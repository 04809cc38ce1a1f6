/**
 * Next.js runs `register` once when a server process starts (never during `next build`). The app
 * process answers searches, so it loads the query embedding model now rather than on the first
 * reader's search (≈ 0.5–1.5 s). Anything wrong here must not stop the server: search then loads
 * the model on demand, as before.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  try {
    const { getServices } = await import("./server/services/container");
    getServices().pipeline.search?.warm();
  } catch {
    // The environment is checked again, with a clear message, on the first request.
  }
}
