import type { ObjectId } from "mongodb";
import type { DatabaseService, Role } from "../../db";

export interface MemberDto {
  userId: string;
  name: string;
  username: string;
  email: string;
  image: string | null;
  role: Role;
  joinedAt: Date;
}

const roleOrder: Record<Role, number> = { owner: 0, editor: 1, author: 2 };

/** A blog's members with their names and pictures: owners first, then by join date. */
export async function listMembers(db: DatabaseService, tenantId: ObjectId): Promise<MemberDto[]> {
  const master = db.master();
  const memberships = await master.memberships.find({ tenantId }).sort({ createdAt: 1 }).toArray();
  const users = await master.users
    .find(
      { _id: { $in: memberships.map((m) => m.userId) } },
      { projection: { name: 1, username: 1, email: 1, image: 1 } },
    )
    .toArray();
  const byId = new Map(users.map((u) => [u._id.toHexString(), u]));
  return memberships
    .flatMap((m) => {
      const u = byId.get(m.userId.toHexString());
      if (!u) return []; // an account deleted since; nothing to show
      return [
        {
          userId: u._id.toHexString(),
          name: u.name,
          username: u.username,
          email: u.email,
          image: u.image ?? null,
          role: m.role,
          joinedAt: m.createdAt,
        },
      ];
    })
    .sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || a.joinedAt.getTime() - b.joinedAt.getTime());
}
