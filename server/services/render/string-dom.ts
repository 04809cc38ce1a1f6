/**
 * Just enough of the DOM for ProseMirror's `DOMSerializer` to build into, serialised straight to
 * an HTML string. A real DOM (happy-dom, as `@tiptap/html/server` uses) costs ≈ 10 ms per post
 * just to create a window; this costs nothing and renders a 5,000-word post in about a
 * millisecond, which matters because every autosave renders.
 */

const VOID = new Set(["area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"]);

export function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function escapeAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

abstract class StringNode {
  abstract readonly nodeType: number;
  abstract toHTML(): string;
}

export class StringText extends StringNode {
  readonly nodeType = 3;
  constructor(readonly data: string) {
    super();
  }
  toHTML(): string {
    return escapeText(this.data);
  }
}

/** Pre-rendered, already-escaped HTML (syntax-highlighted code). */
export class StringRaw extends StringNode {
  readonly nodeType = 3;
  constructor(readonly html: string) {
    super();
  }
  toHTML(): string {
    return this.html;
  }
}

export class StringElement extends StringNode {
  readonly nodeType: number = 1;
  readonly attributes = new Map<string, string>();
  readonly childNodes: StringNode[] = [];
  constructor(readonly tagName: string) {
    super();
  }
  setAttribute(name: string, value: unknown): void {
    this.attributes.set(name.toLowerCase(), String(value));
  }
  setAttributeNS(_ns: string, name: string, value: unknown): void {
    this.setAttribute(name, value);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  appendChild<T extends StringNode>(child: T): T {
    if (child instanceof StringFragment) this.childNodes.push(...child.childNodes);
    else this.childNodes.push(child);
    return child;
  }
  get innerHTML(): string {
    return this.childNodes.map((c) => c.toHTML()).join("");
  }
  toHTML(): string {
    const tag = this.tagName.toLowerCase();
    let attrs = "";
    for (const [name, value] of this.attributes) attrs += ` ${name}="${escapeAttr(value)}"`;
    return VOID.has(tag) ? `<${tag}${attrs}>` : `<${tag}${attrs}>${this.innerHTML}</${tag}>`;
  }
}

export class StringFragment extends StringElement {
  override readonly nodeType = 11;
  constructor() {
    super("#fragment");
  }
  override toHTML(): string {
    return this.innerHTML;
  }
}

/** The `document` handed to `DOMSerializer.serializeFragment(…, { document })`. */
export const stringDocument = {
  createElement: (tag: string) => new StringElement(tag),
  createElementNS: (_ns: string, tag: string) => new StringElement(tag),
  createTextNode: (text: string) => new StringText(text),
  createDocumentFragment: () => new StringFragment(),
};
