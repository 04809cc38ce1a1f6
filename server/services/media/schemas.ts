import { z } from "zod";
import { UPLOAD_MAX_BYTES } from "./keys";
import { IMAGE_TYPES } from "./sniff";

export const objectIdSchema = z.string().regex(/^[0-9a-f]{24}$/, "Invalid id");

/** What the browser says about a file before uploading it; the bytes are checked again after. */
export const uploadRequestSchema = z.object({
  filename: z
    .string()
    .trim()
    .min(1, "The file needs a name")
    .max(200, "Keep file names under 200 characters"),
  contentType: z.enum(IMAGE_TYPES, { error: "Upload a JPEG, PNG, WebP, GIF or AVIF image." }),
  size: z.number().int().min(1, "That file is empty.").max(UPLOAD_MAX_BYTES, "Images can be at most 10 MB."),
});
export type UploadRequest = z.input<typeof uploadRequestSchema>;

export const mediaListSchema = z.object({
  query: z.string().trim().max(100).optional(),
  limit: z.number().int().min(1).max(200).default(60),
});
