/** Browser side of an upload: checks a person can act on, then the presigned POST with progress. */

export const ACCEPTED_IMAGE_TYPES = [
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/gif",
  "image/avif",
] as const;
export const ACCEPT_ATTRIBUTE = ACCEPTED_IMAGE_TYPES.join(",");
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export type AcceptedImageType = (typeof ACCEPTED_IMAGE_TYPES)[number];

/** Why this file can't be uploaded, before anything is sent (the server checks again). */
export function fileProblem(file: File): string | null {
  if (!(ACCEPTED_IMAGE_TYPES as readonly string[]).includes(file.type)) {
    return `${file.name || "That file"} isn't a JPEG, PNG, WebP, GIF or AVIF image.`;
  }
  if (file.size > MAX_IMAGE_BYTES)
    return `${file.name} is ${formatBytes(file.size)}; images can be at most 10 MB.`;
  if (file.size === 0) return `${file.name} is empty.`;
  return null;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export interface PresignedTarget {
  url: string;
  fields: Record<string, string>;
}

/** S3's XML error message, for a sentence instead of "Error 400". */
function storageMessage(xhr: XMLHttpRequest): string {
  const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText ?? "")?.[1];
  if (code === "EntityTooLarge") return "That image is over 10 MB.";
  if (code === "AccessDenied") return "The upload was refused. Please try again.";
  return "The upload failed. Please try again.";
}

/**
 * POSTs the file to storage with the signed fields (XMLHttpRequest: fetch has no upload progress).
 * `onProgress` gets 0…1.
 */
export function postToStorage(
  target: PresignedTarget,
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(target.fields)) form.append(k, v);
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", target.url);
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else reject(new Error(storageMessage(xhr)));
    });
    xhr.addEventListener("error", () =>
      reject(new Error("Can't reach the image storage. Check your connection.")),
    );
    xhr.addEventListener("abort", () => reject(new DOMException("Upload cancelled", "AbortError")));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}

export type UploadPhase = "uploading" | "processing" | "done" | "error";

export interface UploadSteps<Created, Result> {
  create: (input: { filename: string; contentType: AcceptedImageType; size: number }) => Promise<Created>;
  target: (created: Created) => PresignedTarget;
  confirm: (created: Created) => Promise<Result>;
}

/** create → POST with progress → confirm; phases reported for the progress UI. */
export async function uploadWithSteps<Created, Result>(
  file: File,
  steps: UploadSteps<Created, Result>,
  report: (phase: UploadPhase, progress: number) => void,
  signal?: AbortSignal,
): Promise<Result> {
  const problem = fileProblem(file);
  if (problem) throw new Error(problem);
  report("uploading", 0);
  const created = await steps.create({
    filename: file.name || "image",
    contentType: file.type as AcceptedImageType,
    size: file.size,
  });
  await postToStorage(steps.target(created), file, (f) => report("uploading", f), signal);
  report("processing", 1);
  const result = await steps.confirm(created);
  report("done", 1);
  return result;
}
