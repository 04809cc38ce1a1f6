import { MongoServerError, ObjectId } from "mongodb";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "../../auth/password";
import type { SessionUser } from "../../auth/session";
import type { DatabaseService, UserDoc } from "../../db";
import { masterIndexes } from "../../db/indexes";
import { AppError } from "../../errors";
import type { Logger } from "../../log";
import type { AuditService } from "../audit/audit-service";
import { firstIssue, type SignUpInput, signUpInput } from "./user-input";

/** The slice of the audit service this service uses. */
export type AuditSink = Pick<AuditService, "record">;

export interface UsersServiceDeps {
  db: DatabaseService;
  log: Logger;
  audit: AuditSink;
  /** From PLATFORM_ADMIN_EMAILS; compared lower-case. */
  adminEmails: string[];
}

export interface GithubProfile {
  githubId: string;
  email: string | null;
  login: string;
  name: string | null;
  image: string | null;
}

/** Accounts in `<prefix>_master.users`: sign-up, password check, lookups, GitHub sign-in. */
export class UsersService {
  private readonly adminEmails: Set<string>;

  constructor(private readonly deps: UsersServiceDeps) {
    this.adminEmails = new Set(deps.adminEmails.map((e) => e.trim().toLowerCase()).filter(Boolean));
  }

  private get users() {
    return this.deps.db.master().users;
  }

  /** Idempotent: the same specs the master start-up creates, so either call is a no-op after the other. */
  async ensureIndexes(): Promise<void> {
    await this.users.createIndexes(masterIndexes.users);
  }

  isAdminEmail(email: string): boolean {
    return this.adminEmails.has(email.toLowerCase());
  }

  async signUp(input: SignUpInput): Promise<UserDoc> {
    const parsed = signUpInput.safeParse(input);
    if (!parsed.success) {
      throw new AppError("BAD_REQUEST", firstIssue(parsed.error), parsed.error.flatten().fieldErrors);
    }
    const { email, username, password, name } = parsed.data;
    // A friendly answer for the common case; the unique indexes settle races.
    const taken = await this.users.findOne(
      { $or: [{ email }, { username }] },
      { projection: { email: 1, username: 1 } },
    );
    if (taken) throw conflict(taken.email === email ? "email" : "username");

    // The unique indexes are what settle concurrent sign-ups (memoized: one round trip per process).
    await this.deps.db.ensureMasterIndexes();
    const now = new Date();
    const user: UserDoc = {
      _id: new ObjectId(),
      email,
      username,
      name: name || username,
      passwordHash: await hashPassword(password),
      bio: "",
      image: null,
      platformAdmin: this.isAdminEmail(email),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.users.insertOne(user);
    } catch (error) {
      throw duplicateKeyToConflict(error);
    }
    this.deps.log.info(
      { userId: user._id.toHexString(), platformAdmin: user.platformAdmin },
      "user signed up",
    );
    return user;
  }

  /** The user when the password matches, else null (same cost for unknown e-mails). */
  async verifyPassword(email: string, password: string): Promise<UserDoc | null> {
    const user = await this.findByEmail(email);
    if (!user?.passwordHash) {
      await verifyAgainstDummy(password);
      return null;
    }
    return (await verifyPassword(user.passwordHash, password)) ? user : null;
  }

  async findById(id: string | ObjectId): Promise<UserDoc | null> {
    if (typeof id === "string" && !ObjectId.isValid(id)) return null;
    return this.users.findOne({ _id: typeof id === "string" ? new ObjectId(id) : id });
  }

  async findByEmail(email: string): Promise<UserDoc | null> {
    return this.users.findOne({ email: email.trim().toLowerCase() });
  }

  async findByUsername(username: string): Promise<UserDoc | null> {
    return this.users.findOne({ username: username.trim().toLowerCase() });
  }

  async findByGithubId(githubId: string): Promise<UserDoc | null> {
    return this.users.findOne({ githubId });
  }

  toSessionUser(user: UserDoc): SessionUser {
    return {
      id: user._id.toHexString(),
      email: user.email,
      username: user.username,
      name: user.name,
      // The list also promotes accounts created before their e-mail was added to it.
      platformAdmin: user.platformAdmin || this.isAdminEmail(user.email),
    };
  }

  /**
   * Finds or creates the account of a GitHub sign-in. An existing password account with the
   * same e-mail is not linked automatically: that would let whoever controls the GitHub
   * e-mail take over the account.
   */
  async upsertGithubUser(profile: GithubProfile): Promise<UserDoc> {
    const existing = await this.users.findOne({ githubId: profile.githubId });
    if (existing) return existing;
    const email = profile.email?.trim().toLowerCase();
    if (!email) throw new AppError("BAD_REQUEST", "Your GitHub account has no public email address.");
    if (await this.findByEmail(email)) {
      throw new AppError("CONFLICT", "An account with this email exists. Sign in with your password.");
    }
    await this.deps.db.ensureMasterIndexes();
    const base = profile.login
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, "_")
      .slice(0, 24)
      .padEnd(3, "_");
    const now = new Date();
    for (let attempt = 0; attempt < 5; attempt++) {
      const username = attempt === 0 ? base : `${base}_${Math.floor(Math.random() * 1e5)}`;
      const user: UserDoc = {
        _id: new ObjectId(),
        email,
        username,
        name: profile.name?.trim() || profile.login,
        bio: "",
        image: profile.image,
        platformAdmin: this.isAdminEmail(email),
        githubId: profile.githubId,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.users.insertOne(user);
        return user;
      } catch (error) {
        if (!isDuplicateKey(error, "username")) throw duplicateKeyToConflict(error);
      }
    }
    throw new AppError("CONFLICT", "Could not pick a free username; please sign up with a password.");
  }
}

function conflict(field: "email" | "username"): AppError {
  return new AppError(
    "CONFLICT",
    field === "email" ? "That email is already registered" : "That username is taken",
    { field },
  );
}

function isDuplicateKey(error: unknown, field?: string): boolean {
  if (!(error instanceof MongoServerError) || error.code !== 11000) return false;
  if (!field) return true;
  const keys = error.keyPattern ?? error.keyValue ?? {};
  return field in keys || String(error.message).includes(field);
}

function duplicateKeyToConflict(error: unknown): unknown {
  if (isDuplicateKey(error, "email")) return conflict("email");
  if (isDuplicateKey(error, "username")) return conflict("username");
  return error;
}
