export { EMPTY_DOCUMENT, parseDocument, type RenderedPost, renderDocument } from "./render";
