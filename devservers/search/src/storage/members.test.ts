import { describe, expect, it } from "vitest";
import { MemberKeys, SMALL_MEMBER_BYTES, sourceMembers } from "./members";

describe("source members", () => {
  it("finds each top-level member's bytes, strings and nesting included", () => {
    const text =
      '{ "a" : 1, "b":"x,}{\\"y", "c": {"d": [1, {"e": "]"}]}, "é": "ü" , "long": "' +
      "z".repeat(300) +
      '" }';
    const buf = Buffer.from(text);
    const keys = new MemberKeys();
    const m = sourceMembers(buf, keys)!;
    const names = [];
    const pieces = [];
    for (let j = 0; j < m.spans.length; j += 3) {
      names.push(keys.names[m.spans[j]!]);
      pieces.push(buf.toString("utf8", m.spans[j + 1]!, m.spans[j + 2]!));
    }
    expect(names).toEqual(["a", "b", "c", "é", "long"]);
    expect(pieces.slice(0, 4)).toEqual([
      '"a" : 1',
      '"b":"x,}{\\"y"',
      '"c": {"d": [1, {"e": "]"}]}',
      '"é": "ü"',
    ]);
    expect(JSON.parse(`{${pieces.join(",")}}`)).toEqual(JSON.parse(text));
    expect(m.texts.slice(0, 4)).toEqual(pieces.slice(0, 4));
    expect(pieces[4]!.length).toBeGreaterThan(SMALL_MEMBER_BYTES);
    expect(m.texts[4]).toBeNull();
  });

  it("declines what is not a JSON object", () => {
    expect(sourceMembers(Buffer.from("[1,2]"), new MemberKeys())).toBeUndefined();
  });
});
