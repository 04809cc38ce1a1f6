import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export function randomAuthSecrets(): string {
  return `local${randomBytes(3).toString("hex")}:${randomBytes(32).toString("base64url")}`;
}

/**
 * Production mode requires AUTH_SECRETS. For `npm start` on a laptop we create one once and keep
 * it in `.data/` so sign-ins survive restarts; real deployments set the variable.
 */
export function localAuthSecrets(dataDir: string): string {
  const file = path.join(dataDir, "auth-secrets.local");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secrets = randomAuthSecrets();
  writeFileSync(file, `${secrets}\n`, { mode: 0o600 });
  return secrets;
}
