import { analyzerByName, analyzeToTokens } from "../analysis/analyzers";
import type { Engine } from "../engine";
import { badRequest, esError, indexNotFound, unsupported, xContentError } from "../errors";
import type { Request, Response, Router } from "../http/server";
import { validateSettings } from "../index/settings";
import { Mapping } from "../mapping/mapping";
import { jsonBody } from "./common";

function resolveOpts(req: Request) {
  return {
    ignoreUnavailable: req.params.get("ignore_unavailable") === "true",
    allowNoIndices: req.params.get("allow_no_indices") !== "false",
  };
}

export function indexRoutes(router: Router, engine: Engine): void {
  router.add("PUT", "/{index}", (req) => {
    const name = req.pathParams.index!;
    const body = jsonBody(req.body) ?? {};
    for (const k of Object.keys(body)) {
      if (k === "aliases") {
        if (body.aliases && Object.keys(body.aliases as object).length > 0)
          throw unsupported("index aliases");
        continue;
      }
      if (k !== "settings" && k !== "mappings") throw xContentError(`unknown key [${k}] for create index`);
    }
    const settings = validateSettings(body.settings, true);
    engine.create(name, settings, body.mappings);
    return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: name } };
  });

  router.add("DELETE", "/{index}", async (req) => {
    const expr = req.pathParams.index!;
    if (expr.includes("*") || expr === "_all") {
      throw badRequest(`Wildcard expressions or all indices are not allowed`);
    }
    const names = expr.split(",");
    const opts = resolveOpts(req);
    for (const n of names) if (!engine.indices.has(n) && !opts.ignoreUnavailable) throw indexNotFound(n);
    for (const n of names) if (engine.indices.has(n)) await engine.delete(n);
    return { status: 200, body: { acknowledged: true } };
  });

  router.add("HEAD", "/{index}", (req) => {
    try {
      const found = engine.resolve(req.pathParams.index!, { allowNoIndices: false });
      return { status: found.length > 0 ? 200 : 404 };
    } catch {
      return { status: 404 };
    }
  });

  router.add("GET", "/{index}", (req) => {
    const body: Record<string, unknown> = {};
    for (const index of engine.resolve(req.pathParams.index!, resolveOpts(req))) {
      body[index.name] = { aliases: {}, mappings: index.mapping.toJSON(), settings: index.settingsJson() };
    }
    return { status: 200, body };
  });

  const getMapping = (req: Request): Response => {
    const body: Record<string, unknown> = {};
    for (const index of engine.resolve(req.pathParams.index, resolveOpts(req))) {
      body[index.name] = { mappings: index.mapping.toJSON() };
    }
    return { status: 200, body };
  };
  router.add("GET", "/_mapping", getMapping);
  router.add("GET", "/{index}/_mapping", getMapping);

  router.add(["PUT", "POST"], "/{index}/_mapping", async (req) => {
    const body = jsonBody(req.body);
    if (!body)
      throw esError(
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: mapping source is missing;",
      );
    const indices = engine.resolve(req.pathParams.index!, resolveOpts(req));
    // Checked on every index first, applied only when all accept it.
    for (const index of indices) {
      Mapping.parse(index.mapping.toJSON()).merge(body);
    }
    for (const index of indices) {
      index.mapping.merge(body);
      await index.persistMeta();
    }
    return { status: 200, body: { acknowledged: true } };
  });

  const getSettings = (req: Request): Response => {
    const body: Record<string, unknown> = {};
    for (const index of engine.resolve(req.pathParams.index, resolveOpts(req))) {
      body[index.name] = { settings: index.settingsJson() };
    }
    return { status: 200, body };
  };
  router.add("GET", "/_settings", getSettings);
  router.add("GET", "/{index}/_settings", getSettings);

  router.add("PUT", "/{index}/_settings", async (req) => {
    const body = jsonBody(req.body) ?? {};
    const settings = validateSettings(body.settings ?? body, false);
    const indices = engine.resolve(req.pathParams.index!, resolveOpts(req));
    for (const index of indices) {
      for (const [k, v] of Object.entries(settings)) {
        if (v === "") delete index.settings[k];
        else index.settings[k] = v;
      }
      await index.persistMeta();
    }
    return { status: 200, body: { acknowledged: true } };
  });

  const refresh = (req: Request): Response => {
    const indices = engine.resolve(req.pathParams.index, resolveOpts(req));
    for (const index of indices) index.refresh();
    return {
      status: 200,
      body: {
        _shards: shards(
          indices.length,
          indices.reduce((n, i) => n + i.replicas, 0),
        ),
      },
    };
  };
  router.add(["POST", "GET"], "/_refresh", refresh);
  router.add(["POST", "GET"], "/{index}/_refresh", refresh);

  // Everything acknowledged is already durable, so a flush only has to answer.
  const flush = (req: Request): Response => {
    const indices = engine.resolve(req.pathParams.index, resolveOpts(req));
    return {
      status: 200,
      body: {
        _shards: shards(
          indices.length,
          indices.reduce((n, i) => n + i.replicas, 0),
        ),
      },
    };
  };
  router.add(["POST", "GET"], "/_flush", flush);
  router.add(["POST", "GET"], "/{index}/_flush", flush);

  const forcemerge = (req: Request): Response => {
    const indices = engine.resolve(req.pathParams.index, resolveOpts(req));
    for (const index of indices) {
      index.refresh();
      index.segment.compact();
    }
    return {
      status: 200,
      body: {
        _shards: shards(
          indices.length,
          indices.reduce((n, i) => n + i.replicas, 0),
        ),
      },
    };
  };
  router.add("POST", "/_forcemerge", forcemerge);
  router.add("POST", "/{index}/_forcemerge", forcemerge);

  const analyze = (req: Request): Response => {
    const body = jsonBody(req.body) ?? {};
    for (const k of ["tokenizer", "filter", "char_filter", "normalizer", "explain", "attributes"]) {
      if (body[k] !== undefined) throw unsupported(`[_analyze] option [${k}]`);
    }
    let analyzerName = body.analyzer as string | undefined;
    if (body.field !== undefined) {
      const index = engine.get(req.pathParams.index ?? "");
      const def = index.mapping.fields.get(String(body.field));
      analyzerName = def?.analyzer?.name ?? (def?.type === "keyword" ? "keyword" : "standard");
    }
    const analyzer = analyzerByName(analyzerName ?? "standard");
    const texts = Array.isArray(body.text) ? body.text.map(String) : [String(body.text ?? "")];
    const tokens: Record<string, unknown>[] = [];
    let base = 0;
    let offsetBase = 0;
    for (const text of texts) {
      const list = analyzeToTokens(analyzer, text);
      for (const t of list) {
        tokens.push({
          token: t.term,
          start_offset: t.start + offsetBase,
          end_offset: t.end + offsetBase,
          type: analyzer.name === "standard" ? tokenType(t.term) : "word",
          position: t.position + base,
        });
      }
      base += (list[list.length - 1]?.position ?? -1) + 101;
      offsetBase += text.length + 1;
    }
    return { status: 200, body: { tokens } };
  };
  router.add(["GET", "POST"], "/_analyze", analyze);
  router.add(["GET", "POST"], "/{index}/_analyze", analyze);
}

function tokenType(term: string): string {
  if (/^\p{Script=Han}$/u.test(term)) return "<IDEOGRAPHIC>";
  if (/^\p{Script=Hiragana}$/u.test(term)) return "<HIRAGANA>";
  if (/^[\p{Script=Katakana}ー]+$/u.test(term)) return "<KATAKANA>";
  if (/^\p{Script=Hangul}+$/u.test(term)) return "<HANGUL>";
  if (/^[\p{Nd}.,]+$/u.test(term)) return "<NUM>";
  if (/\p{Extended_Pictographic}/u.test(term)) return "<EMOJI>";
  return "<ALPHANUM>";
}

function shards(primaries: number, replicas: number) {
  return { total: primaries + replicas, successful: primaries, failed: 0 };
}
