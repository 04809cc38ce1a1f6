import type { Role } from "@/server/db/models";

/** What each role may do, as the server enforces it (trpc `memberProcedure` and the services). */
export const PERMISSIONS: { label: string; roles: Role[] }[] = [
  { label: "Write drafts and publish their own posts", roles: ["author", "editor", "owner"] },
  { label: "Upload images and use the media library", roles: ["author", "editor", "owner"] },
  { label: "Edit and publish anyone's posts", roles: ["editor", "owner"] },
  { label: "Delete any unused image", roles: ["editor", "owner"] },
  { label: "Invite people, change roles, remove members", roles: ["owner"] },
  { label: "Blog settings, logo and deleting the blog", roles: ["owner"] },
];

export const ROLE_INFO: Record<Role, { label: string; summary: string }> = {
  owner: { label: "Owner", summary: "Everything, including members and settings." },
  editor: { label: "Editor", summary: "Edits and publishes everyone's posts." },
  author: { label: "Author", summary: "Writes and publishes their own posts." },
};
