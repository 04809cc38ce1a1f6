/** Who is calling. Built from a verified JWT (cookie or `Authorization: Token|Bearer`). */
export interface SessionUser {
  id: string; // users._id as hex
  email: string;
  username: string;
  name: string;
  platformAdmin: boolean;
}

export interface Session {
  user: SessionUser;
}
