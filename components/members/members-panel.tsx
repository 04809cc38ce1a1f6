"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import type { Role } from "@/server/db/models";
import { fieldErrorsOf, messageOf } from "../forms/errors";
import { useTRPC } from "../trpc/client";
import { Avatar } from "../ui/avatar";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "../ui/card";
import { FieldError, Input, Label, Select } from "../ui/field";
import { Spinner } from "../ui/spinner";
import { StatusMessage } from "../ui/status";
import { PERMISSIONS, ROLE_INFO } from "./permissions";

type Status = { tone: "success" | "error"; text: string } | null;

const joined = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

/** The blog's people: invite (owners), roles, remove, leave; and what each role may do. */
export function MembersPanel({ blogName }: { blogName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.members.list.queryOptions());
  const invite = useMutation(trpc.members.invite.mutationOptions());
  const changeRole = useMutation(trpc.members.changeRole.mutationOptions());
  const remove = useMutation(trpc.members.remove.mutationOptions());
  const leave = useMutation(trpc.members.leave.mutationOptions());
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"author" | "editor">("author");
  const [emailError, setEmailError] = useState("");
  const [status, setStatus] = useState<Status>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const [confirmLeave, setConfirmLeave] = useState(false);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.pathKey() });
  const isOwner = list.data?.myRole === "owner";

  async function onInvite(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setStatus(null);
    const value = email.trim();
    if (!value) return setEmailError("Enter the e-mail of their Conduit account.");
    setEmailError("");
    try {
      const member = await invite.mutateAsync({ email: value, role });
      setEmail("");
      setStatus({
        tone: "success",
        text: `${member.name} joined as ${ROLE_INFO[member.role].label.toLowerCase()}.`,
      });
      await refresh();
    } catch (error) {
      const fields = fieldErrorsOf(error);
      setEmailError(fields.email ?? messageOf(error, "Couldn't invite them. Please try again."));
    }
  }

  async function run(work: Promise<unknown>, success: string) {
    setStatus(null);
    try {
      await work;
      setStatus({ tone: "success", text: success });
      await refresh();
    } catch (error) {
      setStatus({ tone: "error", text: messageOf(error) });
    }
  }

  async function onLeave() {
    setStatus(null);
    try {
      await leave.mutateAsync();
      router.replace("/studio");
      router.refresh();
    } catch (error) {
      setConfirmLeave(false);
      setStatus({ tone: "error", text: messageOf(error) });
    }
  }

  return (
    <div className="space-y-8">
      {isOwner ? (
        <Card>
          <CardHeader>
            <CardTitle>Invite someone</CardTitle>
            <p className="mt-0.5 text-sm text-muted">
              They need a Conduit account. They'll see {blogName} in their studio right away.
            </p>
          </CardHeader>
          <CardBody>
            <form onSubmit={onInvite} noValidate className="flex flex-col gap-3 sm:flex-row sm:items-end">
              <div className="flex-1">
                <Label htmlFor="invite-email-input">E-mail</Label>
                <Input
                  id="invite-email-input"
                  type="email"
                  autoComplete="off"
                  placeholder="writer@example.com"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                  aria-invalid={emailError ? true : undefined}
                  aria-describedby={emailError ? "invite-email-error" : undefined}
                  className="mt-1.5"
                />
              </div>
              <div className="sm:w-40">
                <Label htmlFor="invite-role-input">Role</Label>
                <Select
                  id="invite-role-input"
                  value={role}
                  onChange={(e) => setRole(e.target.value as "author" | "editor")}
                  className="mt-1.5 h-11"
                >
                  <option value="author">Author</option>
                  <option value="editor">Editor</option>
                </Select>
              </div>
              <Button type="submit" loading={invite.isPending} loadingText="Inviting…" className="h-11">
                Invite
              </Button>
            </form>
            <FieldError id="invite-email-error">{emailError}</FieldError>
          </CardBody>
        </Card>
      ) : null}

      <StatusMessage tone={status?.tone ?? "success"}>{status?.text}</StatusMessage>

      <Card className="overflow-hidden">
        <CardHeader className="flex items-center justify-between">
          <CardTitle>People on {blogName}</CardTitle>
          {list.data ? <span className="text-sm text-muted">{list.data.members.length}</span> : null}
        </CardHeader>
        {list.isPending ? (
          <p className="flex items-center gap-2 px-6 py-6 text-sm text-muted">
            <Spinner /> Loading members…
          </p>
        ) : list.isError ? (
          <div className="p-5">
            <StatusMessage tone="error">{messageOf(list.error)}</StatusMessage>
          </div>
        ) : (
          <ul className="divide-y divide-line">
            {list.data.members.map((m) => {
              const me = m.userId === list.data.myId;
              return (
                <li key={m.userId} className="flex flex-wrap items-center gap-3 px-5 py-4 sm:px-6">
                  {m.image ? (
                    // biome-ignore lint/performance/noImgElement: a stored 256 px avatar variant
                    <img src={m.image} alt="" className="size-10 shrink-0 rounded-full object-cover" />
                  ) : (
                    <Avatar name={m.name} className="size-10" />
                  )}
                  <div className="min-w-0 flex-1">
                    <p className="truncate font-medium text-ink">
                      {m.name} {me ? <span className="font-normal text-muted">(you)</span> : null}
                    </p>
                    <p className="truncate text-sm text-muted">
                      @{m.username} · {m.email} · joined {joined.format(new Date(m.joinedAt))}
                    </p>
                  </div>
                  <div className="flex w-full items-center gap-2 sm:w-auto">
                    {isOwner && !me ? (
                      <>
                        <label htmlFor={`role-${m.userId}`} className="sr-only">
                          Role of {m.name}
                        </label>
                        <Select
                          id={`role-${m.userId}`}
                          value={m.role}
                          disabled={changeRole.isPending}
                          onChange={(e) =>
                            run(
                              changeRole.mutateAsync({ userId: m.userId, role: e.target.value as Role }),
                              `${m.name} is now ${ROLE_INFO[e.target.value as Role].label.toLowerCase()}.`,
                            )
                          }
                          className="w-32"
                        >
                          <option value="owner">Owner</option>
                          <option value="editor">Editor</option>
                          <option value="author">Author</option>
                        </Select>
                        {confirmRemove === m.userId ? (
                          <>
                            <Button
                              variant="danger"
                              size="sm"
                              loading={remove.isPending}
                              onClick={() =>
                                run(
                                  remove.mutateAsync({ userId: m.userId }),
                                  `${m.name} was removed. Their posts stay.`,
                                ).then(() => setConfirmRemove(null))
                              }
                            >
                              Remove
                            </Button>
                            <Button variant="ghost" size="sm" onClick={() => setConfirmRemove(null)}>
                              Cancel
                            </Button>
                          </>
                        ) : (
                          <Button
                            variant="ghost"
                            size="sm"
                            onClick={() => setConfirmRemove(m.userId)}
                            aria-label={`Remove ${m.name}`}
                          >
                            Remove
                          </Button>
                        )}
                      </>
                    ) : (
                      <Badge tone={m.role === "owner" ? "accent" : "neutral"}>
                        {ROLE_INFO[m.role].label}
                      </Badge>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        {list.data ? (
          <div className="flex flex-col gap-3 border-t border-line bg-stone-50/60 px-5 py-4 text-sm sm:flex-row sm:items-center sm:justify-between sm:px-6">
            <p className="text-muted">
              Removed members' posts stay on the blog with their byline; owners can still edit or unpublish
              them.
            </p>
            {confirmLeave ? (
              <span className="flex shrink-0 gap-2">
                <Button variant="danger" size="sm" loading={leave.isPending} onClick={onLeave}>
                  Leave {blogName}
                </Button>
                <Button variant="ghost" size="sm" onClick={() => setConfirmLeave(false)}>
                  Stay
                </Button>
              </span>
            ) : (
              <Button
                variant="secondary"
                size="sm"
                className="shrink-0"
                onClick={() => setConfirmLeave(true)}
              >
                Leave this blog…
              </Button>
            )}
          </div>
        ) : null}
      </Card>

      <RoleMatrix />
    </div>
  );
}

const check = (
  <svg viewBox="0 0 16 16" aria-hidden="true" className="mx-auto size-4 fill-current text-success">
    <path d="M6.5 11.1 3.4 8l-1 1 4.1 4.1 7.1-7.1-1-1z" />
  </svg>
);

/** Who can do what, as a table (the same rules the server checks). */
function RoleMatrix() {
  const roles: Role[] = ["author", "editor", "owner"];
  return (
    <Card className="overflow-hidden">
      <CardHeader>
        <CardTitle>Who can do what</CardTitle>
      </CardHeader>
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead>
            <tr className="border-b border-line bg-stone-50/60 text-left">
              <th scope="col" className="px-5 py-2.5 font-medium text-muted sm:px-6">
                <span className="sr-only">Permission</span>
              </th>
              {roles.map((r) => (
                <th
                  key={r}
                  scope="col"
                  className="w-20 px-2 py-2.5 text-center font-semibold text-ink sm:w-24"
                >
                  {ROLE_INFO[r].label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {PERMISSIONS.map((p) => (
              <tr key={p.label}>
                <th scope="row" className="px-5 py-2.5 text-left font-normal text-ink-soft sm:px-6">
                  {p.label}
                </th>
                {roles.map((r) => (
                  <td key={r} className="px-2 py-2.5 text-center">
                    {p.roles.includes(r) ? (
                      <>
                        {check}
                        <span className="sr-only">yes</span>
                      </>
                    ) : (
                      <>
                        <span className="text-stone-300" aria-hidden="true">
                          —
                        </span>
                        <span className="sr-only">no</span>
                      </>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
