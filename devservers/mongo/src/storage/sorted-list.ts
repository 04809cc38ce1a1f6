const BLOCK = 256;

/**
 * A sorted sequence kept as a list of small sorted blocks: inserts and removals cost
 * O(log n + block) instead of shifting one huge array, and in-order scans stay cheap.
 */
export class SortedList<T> {
  private blocks: T[][] = [];
  private length = 0;

  constructor(private readonly cmp: (a: T, b: T) => number) {}

  get size(): number {
    return this.length;
  }

  insert(x: T): void {
    this.length++;
    if (this.blocks.length === 0) {
      this.blocks.push([x]);
      return;
    }
    const b = this.blockFor((e) => this.cmp(e, x));
    const blk = this.blocks[b]!;
    blk.splice(
      lowerBound(blk, (e) => this.cmp(e, x)),
      0,
      x,
    );
    if (blk.length > 2 * BLOCK) this.blocks.splice(b + 1, 0, blk.splice(BLOCK));
  }

  remove(x: T): boolean {
    if (this.blocks.length === 0) return false;
    const b = this.blockOf(x);
    const blk = this.blocks[b]!;
    const at = this.positionIn(blk, x);
    if (at >= blk.length || this.cmp(blk[at]!, x) !== 0) return false;
    blk.splice(at, 1);
    if (blk.length === 0) this.blocks.splice(b, 1);
    this.length--;
    return true;
  }

  /**
   * Elements where `where(e) === 0`, in order (or reversed). `where` must be monotone: negative
   * before the wanted run, zero inside it, positive after it.
   */
  *range(where: (e: T) => number, reverse = false): Generator<T> {
    if (this.blocks.length === 0) return;
    if (!reverse) {
      let b = this.blockFor(where);
      let i = lowerBound(this.blocks[b]!, where);
      for (; b < this.blocks.length; b++, i = 0) {
        const blk = this.blocks[b]!;
        for (; i < blk.length; i++) {
          if (where(blk[i]!) !== 0) return;
          yield blk[i]!;
        }
      }
      return;
    }
    // Last block whose first element is not after the run, then walk backwards.
    const after = (e: T) => (where(e) > 0 ? 1 : -1);
    let b = this.blockFor(after);
    let i = lowerBound(this.blocks[b]!, after) - 1;
    if (i < 0 && b > 0) {
      b--;
      i = this.blocks[b]!.length - 1;
    }
    for (; b >= 0; b--) {
      const blk = this.blocks[b]!;
      if (i === Number.POSITIVE_INFINITY) i = blk.length - 1;
      for (; i >= 0; i--) {
        if (where(blk[i]!) !== 0) {
          if (where(blk[i]!) < 0) return;
          continue;
        }
        yield blk[i]!;
      }
      i = Number.POSITIVE_INFINITY;
    }
  }

  /**
   * `range` without a generator: calls `visit` on each element in order (or reversed) until it
   * returns false. Returns false when stopped early. The hot path of index scans.
   */
  each(where: (e: T) => number, reverse: boolean, visit: (e: T) => boolean): boolean {
    if (this.blocks.length === 0) return true;
    if (!reverse) {
      let b = this.blockFor(where);
      let i = lowerBound(this.blocks[b]!, where);
      for (; b < this.blocks.length; b++, i = 0) {
        const blk = this.blocks[b]!;
        for (; i < blk.length; i++) {
          if (where(blk[i]!) !== 0) return true;
          if (!visit(blk[i]!)) return false;
        }
      }
      return true;
    }
    const after = (e: T) => (where(e) > 0 ? 1 : -1);
    let b = this.blockFor(after);
    let i = lowerBound(this.blocks[b]!, after) - 1;
    for (; b >= 0; b--) {
      const blk = this.blocks[b]!;
      if (i >= blk.length) i = blk.length - 1;
      for (; i >= 0; i--) {
        const c = where(blk[i]!);
        if (c < 0) return true;
        if (c === 0 && !visit(blk[i]!)) return false;
      }
      i = Number.POSITIVE_INFINITY;
    }
    return true;
  }

  /**
   * How many elements satisfy `where(e) === 0` (same monotone contract as `range`), found by
   * binary search: O(log n + blocks spanned), the planner's estimate of an index range's size.
   */
  count(where: (e: T) => number): number {
    if (this.blocks.length === 0) return 0;
    const after = (e: T) => (where(e) > 0 ? 0 : -1);
    const b1 = this.blockFor(where);
    const i1 = lowerBound(this.blocks[b1]!, where);
    const b2 = this.blockFor(after);
    const i2 = lowerBound(this.blocks[b2]!, after);
    let n = i2 - i1;
    for (let b = b1; b < b2; b++) n += this.blocks[b]!.length;
    return Math.max(0, n);
  }

  /** Like `blockFor`/`lowerBound` with the element comparator, without a closure per call. */
  private blockOf(x: T): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const blk = this.blocks[mid]!;
      if (this.cmp(blk[blk.length - 1]!, x) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private positionIn(blk: T[], x: T): number {
    let lo = 0;
    let hi = blk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(blk[mid]!, x) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first block whose last element is not before the target (or the last block). */
  private blockFor(where: (e: T) => number): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const blk = this.blocks[mid]!;
      if (where(blk[blk.length - 1]!) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lowerBound<T>(arr: T[], where: (e: T) => number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (where(arr[mid]!) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
