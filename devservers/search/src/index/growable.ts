/** Typed arrays that grow by doubling: postings, norms and vectors live in these, not in JS arrays. */
export function growInt32(a: Int32Array<ArrayBuffer>, min: number): Int32Array<ArrayBuffer> {
  if (a.length >= min) return a;
  const b = new Int32Array(Math.max(min, a.length * 2, 4));
  b.set(a);
  return b;
}

export function growUint8(a: Uint8Array<ArrayBuffer>, min: number): Uint8Array<ArrayBuffer> {
  if (a.length >= min) return a;
  const b = new Uint8Array(Math.max(min, a.length * 2, 16));
  b.set(a);
  return b;
}

export function growFloat64(a: Float64Array<ArrayBuffer>, min: number): Float64Array<ArrayBuffer> {
  if (a.length >= min) return a;
  const b = new Float64Array(Math.max(min, a.length * 2, 16));
  b.set(a);
  return b;
}

export function growFloat32(a: Float32Array<ArrayBuffer>, min: number): Float32Array<ArrayBuffer> {
  if (a.length >= min) return a;
  const b = new Float32Array(Math.max(min, a.length * 2, 16));
  b.set(a);
  return b;
}

/** `old → new` doc ids after dropping deleted documents (-1 for dropped ones). */
export type DocMap = Int32Array;
