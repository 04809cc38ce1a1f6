import type { Similarity } from "../mapping/field-def";
import { type DocMap, growFloat32, growUint8 } from "./growable";
import { SimdVectors } from "./simd";

/**
 * A `dense_vector` field: every document's vector in one contiguous block (`dims` floats per doc
 * id) — in WebAssembly memory when the SIMD kernels apply (dims a multiple of 4), so a kNN scan
 * is one vectorized pass over memory. Cosine vectors are stored normalized (as Elasticsearch
 * does), which turns cosine into a dot product at query time.
 */
export class VectorFieldIndex {
  /** The vectors, `dims` floats per doc id. */
  data: Float32Array;
  readonly simd: SimdVectors | null;
  has = new Uint8Array(16);
  docCount = 0;

  constructor(
    readonly dims: number,
    readonly similarity: Similarity,
  ) {
    this.simd = SimdVectors.create(dims);
    this.data = this.simd ? this.simd.data : new Float32Array(dims * 16);
  }

  private reserve(docs: number): void {
    if (this.simd) {
      this.simd.ensure(docs);
      this.data = this.simd.data;
    } else {
      this.data = growFloat32(this.data as Float32Array<ArrayBuffer>, docs * this.dims);
    }
  }

  add(doc: number, vector: Float32Array): void {
    this.reserve(doc + 1);
    this.has = growUint8(this.has, doc + 1);
    const base = doc * this.dims;
    if (this.similarity === "cosine") {
      let sq = 0;
      for (let i = 0; i < this.dims; i++) sq += vector[i]! * vector[i]!;
      const inv = 1 / Math.sqrt(sq);
      for (let i = 0; i < this.dims; i++) this.data[base + i] = vector[i]! * inv;
    } else {
      this.data.set(vector, base);
    }
    this.has[doc] = 1;
  }

  publish(doc: number): void {
    if (doc < this.has.length && this.has[doc]) this.docCount++;
  }

  remove(doc: number): void {
    if (doc < this.has.length && this.has[doc]) this.docCount--;
  }

  /** Moves vectors down to their new doc ids (new ids are never above old ones). */
  compact(map: DocMap, newMaxDoc: number): void {
    const has = new Uint8Array(Math.max(16, newMaxDoc));
    for (let old = 0; old < map.length; old++) {
      const nd = map[old]!;
      if (nd < 0 || old >= this.has.length || !this.has[old]) continue;
      if (nd !== old) this.data.copyWithin(nd * this.dims, old * this.dims, (old + 1) * this.dims);
      has[nd] = 1;
    }
    this.has = has;
  }
}
