import { ObjectId } from "bson";
import { describe, expect, it } from "vitest";
import { compareValues, encodeKey } from "./compare";
import { sortDocs } from "./sort";

describe("BSON comparison order", () => {
  it("orders types like mongod: null < numbers < strings < objects < arrays < ObjectId < bool < Date", () => {
    const values = [new Date(0), true, new ObjectId("65a1b2c3d4e5f60718293a4b"), [1], { a: 1 }, "a", 2, null];
    const sorted = [...values].sort(compareValues);
    expect(sorted).toEqual([null, 2, "a", { a: 1 }, [1], values[2], true, new Date(0)]);
  });

  it("treats 1, 1.0 and equal ObjectIds as the same key", () => {
    expect(encodeKey(1)).toBe(encodeKey(1.0));
    expect(encodeKey(new ObjectId("65a1b2c3d4e5f60718293a4b"))).toBe(
      encodeKey(new ObjectId("65a1b2c3d4e5f60718293a4b")),
    );
    expect(encodeKey({ a: 1, b: 2 })).not.toBe(encodeKey({ b: 2, a: 1 }));
  });

  it("sorts arrays by their smallest element ascending and largest descending; missing as null", () => {
    const docs = [{ _id: 1, v: [5, 1] }, { _id: 2, v: 3 }, { _id: 3 }, { _id: 4, v: [2, 9] }];
    expect(sortDocs([...docs], [["v", 1]]).map((d) => d._id)).toEqual([3, 1, 4, 2]);
    expect(sortDocs([...docs], [["v", -1]]).map((d) => d._id)).toEqual([4, 1, 2, 3]);
  });
});
