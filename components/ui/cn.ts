import clsx, { type ClassValue } from "clsx";

/** Joins class names; conditional parts via clsx. */
export function cn(...parts: ClassValue[]): string {
  return clsx(parts);
}
