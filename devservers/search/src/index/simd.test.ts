import { describe, expect, it } from "vitest";
import { SimdVectors } from "./simd";

describe("SIMD kernels", () => {
  it.each([36, 48])("compute dot products and squared distances like a plain loop (dims %i)", (dims) => {
    const simd = SimdVectors.create(dims)!;
    expect(simd).not.toBeNull();
    simd.ensure(50);
    let seed = 1;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    for (let i = 0; i < 50 * dims; i++) simd.data[i] = rnd();
    const q = Float32Array.from({ length: dims }, rnd);
    simd.setQuery(q);
    const dots = [...simd.compute(10, 30, false)];
    const l2s = [...simd.compute(10, 30, true)];
    for (let d = 10; d < 40; d++) {
      let dot = 0;
      let sq = 0;
      for (let i = 0; i < dims; i++) {
        dot += q[i]! * simd.data[d * dims + i]!;
        sq += (q[i]! - simd.data[d * dims + i]!) ** 2;
      }
      expect(dots[d - 10]).toBeCloseTo(dot, 5);
      expect(l2s[d - 10]).toBeCloseTo(sq, 4);
    }
  });

  it("keeps vectors when the memory grows", () => {
    const simd = SimdVectors.create(8)!;
    simd.data.set([1, 2, 3, 4, 5, 6, 7, 8]);
    simd.ensure(100_000);
    expect([...simd.data.subarray(0, 8)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("declines dimension counts the kernel does not handle", () => {
    expect(SimdVectors.create(3)).toBeNull();
  });
});
