import { describe, expect, it } from "vitest";
import { SortedList } from "./sorted-list";

describe("SortedList", () => {
  it("stays sorted through thousands of random inserts and removals", () => {
    const list = new SortedList<number>((a, b) => a - b);
    const reference: number[] = [];
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 5000; i++) {
      const v = rand() % 2000;
      if (rand() % 3 === 0 && reference.includes(v)) {
        expect(list.remove(v)).toBe(true);
        reference.splice(reference.indexOf(v), 1);
      } else {
        list.insert(v);
        reference.push(v);
      }
    }
    reference.sort((a, b) => a - b);
    expect(list.size).toBe(reference.length);
    expect([...list.range(() => 0)]).toEqual(reference);
    const inRange = (v: number) => (v < 500 ? -1 : v >= 700 ? 1 : 0);
    const want = reference.filter((v) => v >= 500 && v < 700);
    expect([...list.range(inRange)]).toEqual(want);
    expect([...list.range(inRange, true)]).toEqual([...want].reverse());
    expect(list.remove(99999)).toBe(false);
  });
});
