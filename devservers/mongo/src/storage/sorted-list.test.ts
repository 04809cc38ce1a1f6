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
    expect(list.count(inRange)).toBe(want.length);
    for (const reverse of [false, true]) {
      const seen: number[] = [];
      expect(list.each(inRange, reverse, (v) => seen.push(v) > 0)).toBe(true);
      expect(seen).toEqual(reverse ? [...want].reverse() : want);
      const firstThree: number[] = [];
      expect(list.each(inRange, reverse, (v) => firstThree.push(v) < 3)).toBe(false);
      expect(firstThree).toEqual(seen.slice(0, 3));
    }
    expect(list.count(() => 0)).toBe(reference.length);
    expect(list.count((v) => (v < 5000 ? -1 : 1))).toBe(0);
    expect(list.remove(99999)).toBe(false);
  });
});
