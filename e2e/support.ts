import { randomBytes } from "node:crypto";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";

const port = Number(process.env.CONDUIT_E2E_PORT);

/** The reader site of a blog. Chromium resolves every `*.localhost` to loopback. */
export function siteUrl(slug: string, path = "/"): string {
  return `http://${slug}.localhost:${port}${path}`;
}

/** Short, unique per call: names and slugs never collide across tests or reruns. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

export interface Person {
  name: string;
  email: string;
  username: string;
  password: string;
}

export function newPerson(): Person {
  const id = randomBytes(4).toString("hex");
  return {
    name: `Writer ${id}`,
    email: `e2e-${id}@example.test`,
    username: `e2e_${id}`,
    password: `pw-${id}-long`,
  };
}

/** A screenshot in this test's folder under test-results/ (gitignored). */
export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

export async function signUp(page: Page, person: Person): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(person.name);
  await page.getByLabel("E-mail").fill(person.email);
  await page.getByLabel("Username").fill(person.username);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).not.toHaveURL(/\/signup/);
}

export async function signIn(page: Page, person: Pick<Person, "email" | "password">): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

/** Sets up a blog through the public REST API, for tests that are about something else; returns its owner. */
export async function createBlogViaApi(
  request: APIRequestContext,
  blog: { name: string; slug: string; theme?: "classic" | "minimal" | "bold" },
): Promise<Person> {
  const person = newPerson();
  const user = await request.post("/api/users", {
    data: { user: { email: person.email, username: person.username, password: person.password } },
  });
  expect(user.status(), await user.text()).toBe(201);
  const { user: created } = (await user.json()) as { user: { token: string } };
  const tenant = await request.post("/api/tenants", {
    headers: { Authorization: `Token ${created.token}` },
    data: { theme: "classic", ...blog },
  });
  expect(tenant.status(), await tenant.text()).toBe(201);
  return person;
}
