import type { Similarity } from "../mapping/field-def";
import { type DocMap, growFloat32, growUint8 } from "./growable";

/**
 * A `dense_vector` field: every document's vector in one contiguous Float32Array (`dims` floats
 * per doc id), so a brute-force scan is one tight loop over memory. Cosine vectors are stored
 * normalized (as Elasticsearch does), which turns cosine into a dot product at query time.
 */
export class VectorFieldIndex {
  data: Float32Array<ArrayBuffer>;
  has = new Uint8Array(16);
  docCount = 0;

  constructor(
    readonly dims: number,
    readonly similarity: Similarity,
  ) {
    this.data = new Float32Array(dims * 16);
  }

  add(doc: number, vector: Float32Array): void {
    this.data = growFloat32(this.data, (doc + 1) * this.dims);
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

  compact(map: DocMap, newMaxDoc: number): void {
    const data = new Float32Array(Math.max(16, newMaxDoc) * this.dims);
    const has = new Uint8Array(Math.max(16, newMaxDoc));
    for (let old = 0; old < map.length; old++) {
      const nd = map[old]!;
      if (nd < 0 || old >= this.has.length || !this.has[old]) continue;
      data.set(this.data.subarray(old * this.dims, (old + 1) * this.dims), nd * this.dims);
      has[nd] = 1;
    }
    this.data = data;
    this.has = has;
  }
}
