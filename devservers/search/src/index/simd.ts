/**
 * Dot products and squared distances of a query vector with many stored vectors, in WebAssembly
 * SIMD (four float lanes per instruction), which is what brings an exact kNN scan of 10,000
 * 512-dimension vectors to about a millisecond. The module is a few dozen instructions,
 * assembled below from their opcodes (no toolchain, nothing generated is committed); vectors
 * live in the module's memory so the loop reads them in place.
 *
 * Memory layout: the query at 0 (up to 4,096 floats), results at 16 KiB (up to BATCH floats),
 * vectors from 64 KiB on, `dims` floats per doc id. Lanes are summed in float, as Lucene's
 * vectorized dot product does; results can differ from a sequential double sum in the 7th digit.
 */
export const QUERY_OFFSET = 0;
export const RESULT_OFFSET = 16 * 1024;
export const VECTORS_OFFSET = 64 * 1024;
export const BATCH = 8192;
const PAGE = 64 * 1024;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128, what `i32.const` takes (64 needs two bytes: 0x40 alone would be -64). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  f32store: 0x38,
  i32const: 0x41,
  i32eqz: 0x45,
  i32add: 0x6a,
  i32sub: 0x6b,
  f32add: 0x92,
};
const simd = (code: number) => [0xfd, ...leb(code)];
const v128load = [...simd(0x00), 0x02, 0x00]; // align 4, offset 0
const f32x4add = simd(0xe4);
const f32x4sub = simd(0xe5);
const f32x4mul = simd(0xe6);
const lane = (i: number) => [...simd(0x1f), i];

/**
 * (query, vectors, dims, count, out): for each of `count` vectors from `vectors`, store the dot
 * product (or the squared distance) with `query` at `out`. `dims` must be a multiple of 4.
 */
function body(squaredDistance: boolean): number[] {
  const [q, v, dims, count, out, i, qp, acc, tmp] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  // biome-ignore format: an instruction listing, one instruction per line
  const step = squaredDistance
    ? [
        op.get, acc,
        op.get, qp, ...v128load,
        op.get, v, ...v128load,
        ...f32x4sub, op.tee, tmp,
        op.get, tmp, ...f32x4mul,
        ...f32x4add, op.set, acc,
      ]
    : [
        op.get, acc,
        op.get, qp, ...v128load,
        op.get, v, ...v128load,
        ...f32x4mul,
        ...f32x4add, op.set, acc,
      ];
  // biome-ignore format: an instruction listing, one instruction per line
  const code = [
    0x02, 0x02, I32, 0x02, V128, // locals: i, qp (i32); acc, tmp (v128)
    op.block, 0x40,
    op.get, count, op.i32eqz, op.brIf, 0, // nothing to do
    op.loop, 0x40, // per vector
    ...simd(0x0c), ...new Array(16).fill(0), op.set, acc, // acc = 0
    op.get, q, op.set, qp,
    op.get, dims, op.set, i,
    op.loop, 0x40, // per 4 floats
    ...step,
    op.get, qp, op.i32const, 16, op.i32add, op.set, qp,
    op.get, v, op.i32const, 16, op.i32add, op.set, v,
    op.get, i, op.i32const, 4, op.i32sub, op.tee, i,
    op.brIf, 0,
    op.end,
    op.get, out, // store the sum of the 4 lanes at out
    op.get, acc, ...lane(0),
    op.get, acc, ...lane(1), op.f32add,
    op.get, acc, ...lane(2), op.f32add,
    op.get, acc, ...lane(3), op.f32add,
    op.f32store, 0x02, 0x00,
    op.get, out, op.i32const, 4, op.i32add, op.set, out,
    op.get, count, op.i32const, 1, op.i32sub, op.tee, count,
    op.brIf, 0,
    op.end,
    op.end,
    op.end,
  ];
  return [...leb(code.length), ...code];
}

/**
 * The same with four accumulators, 16 floats per iteration (`dims` a multiple of 16, as 384, 512,
 * 768, 1024, 1536): independent additions keep the SIMD unit busy instead of waiting on one chain.
 */
function body16(squaredDistance: boolean): number[] {
  const [q, v, dims, count, out, i, qp, tmp] = [0, 1, 2, 3, 4, 5, 6, 11];
  const accs = [7, 8, 9, 10];
  const load = (ptr: number, offset: number) => [op.get, ptr, ...simd(0x00), 0x02, ...leb(offset)];
  const lane4 = (acc: number, offset: number) =>
    squaredDistance
      ? [
          op.get,
          acc,
          ...load(qp, offset),
          ...load(v, offset),
          ...f32x4sub,
          op.tee,
          tmp,
          op.get,
          tmp,
          ...f32x4mul,
          ...f32x4add,
          op.set,
          acc,
        ]
      : [op.get, acc, ...load(qp, offset), ...load(v, offset), ...f32x4mul, ...f32x4add, op.set, acc];
  const zero = (acc: number) => [...simd(0x0c), ...new Array(16).fill(0), op.set, acc];
  // biome-ignore format: an instruction listing, one instruction per line
  const code = [
    0x02, 0x02, I32, 0x05, V128, // locals: i, qp (i32); acc0..acc3, tmp (v128)
    op.block, 0x40,
    op.get, count, op.i32eqz, op.brIf, 0,
    op.loop, 0x40, // per vector
    ...accs.flatMap(zero),
    op.get, q, op.set, qp,
    op.get, dims, op.set, i,
    op.loop, 0x40, // per 16 floats
    ...accs.flatMap((acc, k) => lane4(acc, k * 16)),
    op.get, qp, op.i32const, ...sleb(64), op.i32add, op.set, qp,
    op.get, v, op.i32const, ...sleb(64), op.i32add, op.set, v,
    op.get, i, op.i32const, 16, op.i32sub, op.tee, i,
    op.brIf, 0,
    op.end,
    op.get, accs[0]!, op.get, accs[1]!, ...f32x4add, // (acc0 + acc1) + (acc2 + acc3)
    op.get, accs[2]!, op.get, accs[3]!, ...f32x4add,
    ...f32x4add, op.set, accs[0]!,
    op.get, out,
    op.get, accs[0]!, ...lane(0),
    op.get, accs[0]!, ...lane(1), op.f32add,
    op.get, accs[0]!, ...lane(2), op.f32add,
    op.get, accs[0]!, ...lane(3), op.f32add,
    op.f32store, 0x02, 0x00,
    op.get, out, op.i32const, 4, op.i32add, op.set, out,
    op.get, count, op.i32const, 1, op.i32sub, op.tee, count,
    op.brIf, 0,
    op.end,
    op.end,
    op.end,
  ];
  return [...leb(code.length), ...code];
}

function section(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

function name(s: string): number[] {
  const bytes = [...Buffer.from(s)];
  return [...leb(bytes.length), ...bytes];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const type = [0x01, 0x60, 0x05, I32, I32, I32, I32, I32, 0x00];
  const imports = [0x01, ...name("env"), ...name("mem"), 0x02, 0x00, 0x01];
  const funcs = [0x04, 0x00, 0x00, 0x00, 0x00];
  // biome-ignore format: one export per line
  const exports = [
    0x04,
    ...name("dots"), 0x00, 0x00,
    ...name("l2s"), 0x00, 0x01,
    ...name("dots16"), 0x00, 0x02,
    ...name("l2s16"), 0x00, 0x03,
  ];
  const code = [0x04, ...body(false), ...body(true), ...body16(false), ...body16(true)];
  // biome-ignore format: the module's sections in order
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, type),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

type Kernel = (query: number, vectors: number, dims: number, count: number, out: number) => void;

let compiled: WebAssembly.Module | null | undefined;

function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = moduleBytes();
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/** Vectors of one field in WebAssembly memory, with the SIMD kernels over them. */
export class SimdVectors {
  readonly memory: WebAssembly.Memory;
  private readonly dotsFn: Kernel;
  private readonly l2sFn: Kernel;
  /** The vectors region as floats (re-made when the memory grows). */
  data: Float32Array;
  private capacity: number;

  private constructor(
    readonly dims: number,
    module: WebAssembly.Module,
    capacityDocs: number,
  ) {
    const bytes = VECTORS_OFFSET + capacityDocs * dims * 4;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
    const instance = new WebAssembly.Instance(module, { env: { mem: this.memory } });
    const wide = dims % 16 === 0;
    this.dotsFn = (wide ? instance.exports.dots16 : instance.exports.dots) as Kernel;
    this.l2sFn = (wide ? instance.exports.l2s16 : instance.exports.l2s) as Kernel;
    this.capacity = capacityDocs;
    this.data = new Float32Array(this.memory.buffer, VECTORS_OFFSET, capacityDocs * dims);
  }

  /** Null when SIMD is unavailable or the dimension count does not suit the kernel. */
  static create(dims: number, capacityDocs = 16): SimdVectors | null {
    if (dims % 4 !== 0 || dims > 4096) return null;
    const module = compiledModule();
    return module ? new SimdVectors(dims, module, capacityDocs) : null;
  }

  ensure(docs: number): void {
    if (docs <= this.capacity) return;
    const want = Math.max(docs, this.capacity * 2);
    const bytes = VECTORS_OFFSET + want * this.dims * 4;
    this.memory.grow(Math.ceil((bytes - this.memory.buffer.byteLength) / PAGE));
    this.capacity = want;
    this.data = new Float32Array(this.memory.buffer, VECTORS_OFFSET, want * this.dims);
  }

  setQuery(query: Float32Array): void {
    new Float32Array(this.memory.buffer, QUERY_OFFSET, this.dims).set(query);
  }

  /** Dot products (or squared distances) of the query with docs `from`..`from + count` (≤ BATCH). */
  compute(from: number, count: number, squaredDistance: boolean): Float32Array {
    const fn = squaredDistance ? this.l2sFn : this.dotsFn;
    fn(QUERY_OFFSET, VECTORS_OFFSET + from * this.dims * 4, this.dims, count, RESULT_OFFSET);
    return new Float32Array(this.memory.buffer, RESULT_OFFSET, count);
  }
}
