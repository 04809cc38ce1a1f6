import { describe, expect, it } from "vitest";
import { parseDate, parseDateMath } from "./dates";

describe("dates", () => {
  it("reads strict_date_optional_time and epoch_millis", () => {
    expect(parseDate("2024-01-02")).toBe(Date.UTC(2024, 0, 2));
    expect(parseDate("2024-01-02T03:04:05Z")).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(parseDate("2024-01-02T03:04:05.123+02:00")).toBe(Date.UTC(2024, 0, 2, 1, 4, 5, 123));
    expect(parseDate(1700000000000)).toBe(1700000000000);
    expect(parseDate("1700000000000")).toBe(1700000000000);
    expect(parseDate("2023-02-30")).toBeNull();
    expect(parseDate("yesterday")).toBeNull();
  });

  it("reads named formats and simple patterns", () => {
    expect(parseDate("2024/03/04 10:11:12", "yyyy/MM/dd HH:mm:ss")).toBe(Date.UTC(2024, 2, 4, 10, 11, 12));
    expect(parseDate("20240304", "basic_date")).toBe(Date.UTC(2024, 2, 4));
    expect(parseDate("1700000000", "epoch_second")).toBe(1700000000000);
  });

  it("rounds a partial date up for upper bounds (the whole day)", () => {
    expect(parseDate("2024-01-02", undefined, true)).toBe(Date.UTC(2024, 0, 3) - 1);
    expect(parseDate("2024-01", undefined, true)).toBe(Date.UTC(2024, 1, 1) - 1);
  });

  it("evaluates date math", () => {
    const now = Date.UTC(2024, 5, 15, 12, 30);
    expect(parseDateMath("now", "strict_date_optional_time", false, now)).toBe(now);
    expect(parseDateMath("now-1d/d", "strict_date_optional_time", false, now)).toBe(Date.UTC(2024, 5, 14));
    expect(parseDateMath("now-1d/d", "strict_date_optional_time", true, now)).toBe(Date.UTC(2024, 5, 15) - 1);
    expect(parseDateMath("2024-01-31||+1M", "strict_date_optional_time", false, now)).toBe(
      Date.UTC(2024, 2, 2),
    );
    expect(parseDateMath("now+2h", "strict_date_optional_time", false, now)).toBe(now + 7_200_000);
  });
});
