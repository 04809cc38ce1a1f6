import { describe, expect, it } from "vitest";
import { mergeDocuments } from "./merge";

const p = (t: string) => ({ type: "paragraph", content: [{ type: "text", text: t }] });
const doc = (...content: unknown[]) => ({ type: "doc", content });

describe("mergeDocuments", () => {
  it("keeps their blocks and adds mine they lack after the block we share", () => {
    expect(
      mergeDocuments(doc(p("a"), p("theirs"), p("c")), doc(p("a"), p("mine"), p("c"), p("end"))),
    ).toEqual(doc(p("a"), p("mine"), p("theirs"), p("c"), p("end")));
  });
  it("adds nothing twice and drops empty paragraphs", () => {
    expect(mergeDocuments(doc(p("x")), doc(p("x"), { type: "paragraph" }))).toEqual(doc(p("x")));
  });
});
