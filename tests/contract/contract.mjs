#!/usr/bin/env node
// Contract test: the OpenAPI document a running gongkai server serves at
// /api/v1/openapi.json, checked against that same server.
//
//   node contract.mjs [BASE_URL] [--spec-file PATH] [--spec-override PATH]
//
// BASE_URL (or env CONTRACT_BASE_URL), e.g. http://127.0.0.1:8080. This
// script starts nothing: run.sh starts a server on demo data first.
//   --spec-file PATH      also fail unless the served document equals PATH
//                         (catches a binary built before data/openapi.json
//                         was last changed: rebuild `gongkai`).
//   --spec-override PATH  for editing the document without rebuilding: test
//                         PATH instead of the served document. Never used by
//                         run.sh or ctest.
//
// For every operation (path + method) of the document it makes each request
// listed in the operation's `x-contract` extension and checks that:
//   - the status is the expected one AND is documented for the operation;
//   - the Content-Type's media type is one the response documents, and text
//     types (JSON, XML, CSV, text/*) say charset=utf-8;
//   - documented response headers with required: true are present, and every
//     documented header that is present matches its schema;
//   - a JSON body parses and validates against the documented schema with
//     Ajv (JSON Schema 2020-12, strict about unknown properties wherever the
//     schema says additionalProperties/unevaluatedProperties: false); a text
//     body validates against a string schema (pattern...); an OOXML body is a
//     zip file;
//   - the request only uses documented parameters, and, for a 2xx request,
//     their values match the parameters' schemas (as does every parameter's
//     `example`) and its JSON body matches the documented requestBody.
// It also fails when an operation has no x-contract entry, when an entry is
// malformed, when a documented status other than 5XX is never exercised, and
// it follows paging once: `next` and `next_cursor` of list responses (the next
// page validates, continues after the last id, and `next` equals the same
// query with cursor=next_cursor) and `next_after` of event lists.
//
// The x-contract extension: an array of requests, each an object with
//   "expect"       required, the status expected (integer, e.g. 200, 404)
//   "path"         values of the path template's parameters, e.g. {"n": "16"}
//   "query"        query parameters, e.g. {"item": "1", "limit": "2"}; values
//                  are strings (sent URL-encoded), or arrays for repeats
//   "headers"      extra request headers, e.g. {"Accept-Language": "zh-CN"}
//   "body"         a JSON request body (sent with Content-Type
//                  application/json unless "headers" sets another), for
//                  operations other than GET
//   "raw_body"     instead of "body", a request body sent as this string
//   "body_bytes"   instead of "body", a JSON object of exactly this many
//                  bytes (to exceed a size limit)
//   "save"         a name under which the JSON response is kept, for the
//                  "saved" values of later requests
//   "match"        JSON Pointer → exact value the JSON response must hold
//                  there, e.g. {"/records/0/status": "withdrawn"}, or a
//                  lookup (below) whose value, as found (not as a string),
//                  it must hold, e.g. {"/tree_size": {"lookup":
//                  "/api/v1/ledger/head", "pointer": "/tree_size"}}
//   "name"         a short description, printed with the request
//   "known_issue"  a known server bug this request shows: a failure is
//                  reported as XFAIL and does not fail the run, but passing
//                  fails the run (XPASS) so the marker is removed once fixed
// A "path", "query" or "headers" value may instead be a lookup of a value
// the demo data decides (record ids differ by the date the demo was made):
//   {"lookup": "/api/v1/records?status=withdrawn&limit=1", "pointer": "/records/0/id"}
//   {"lookup": "/api/v1/events?limit=500", "select": "/events",
//    "where": {"kind": "revise"}, "pointer": "/record_id"}
// `lookup` is a GET (path and query) on the same server; `select` picks an
// array in its JSON and `where` its first element with those members;
// `pointer` is then applied (to the element, or to the whole body). Each
// lookup URL is fetched once per run.
// Two more kinds of value, for the write operations:
//   {"env": "CONTRACT_TOKEN_LIAISON", "prefix": "Bearer "}  the value of an
//       environment variable run.sh sets (API tokens it creates), with an
//       optional prefix; the run fails if it is unset;
//   {"saved": "draft", "pointer": "/id"}  a value in the response an
//       earlier request kept with "save".
// Operations run in document order, but every GET first: the write
// operations (POST) change the data the reads' expectations describe.
//
// A status the handler can return but the demo server never does (e.g. a
// 404 before the ledger's first signed tree head, which `init` already
// signs) is declared, with the reason, in the operation's extension
//   "x-contract-unexercised": {"404": "why no request can get it"}
// instead of failing as never exercised; it must be a documented 4xx that
// no x-contract request gets (if one does, the declaration must go).
//
// Exit status 0 when every check passed (known issues may fail), 1 otherwise.

import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// ---- arguments ----------------------------------------------------------------
const args = process.argv.slice(2);
let base = process.env.CONTRACT_BASE_URL || '';
let specFile = '';
let specOverride = '';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--spec-file') specFile = args[++i];
  else if (args[i] === '--spec-override') specOverride = args[++i];
  else if (args[i].startsWith('-')) usage(`unknown option ${args[i]}`);
  else base = args[i];
}
if (!base) usage('no base URL');
base = base.replace(/\/+$/, '');

function usage(why) {
  console.error(`contract: ${why}\nusage: node contract.mjs BASE_URL [--spec-file PATH] [--spec-override PATH]`);
  process.exit(2);
}

// ---- results --------------------------------------------------------------------
let passed = 0;
let failed = 0;
let xfailed = 0;
const failures = [];

function fail(what, detail) {
  failed++;
  failures.push(`${what}\n    ${detail.replace(/\n/g, '\n    ')}`);
  console.log(`FAIL  ${what}\n      ${detail.replace(/\n/g, '\n      ')}`);
}
function pass(what) {
  passed++;
  console.log(`ok    ${what}`);
}

// ---- HTTP -----------------------------------------------------------------------
async function request(method, pathAndQuery, { headers = {}, body, rawBody } = {}) {
  const init = { method: method.toUpperCase(), headers: { ...headers }, redirect: 'manual' };
  const hasType = Object.keys(init.headers).some((k) => k.toLowerCase() === 'content-type');
  if (body !== undefined || rawBody !== undefined) {
    init.body = rawBody !== undefined ? rawBody : JSON.stringify(body);
    if (!hasType) init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(base + pathAndQuery, init);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes };
}

// ---- JSON Pointer (RFC 6901) ------------------------------------------------------
function pointerGet(doc, pointer) {
  if (pointer === '') return { found: true, value: doc };
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer "${pointer}" must start with "/"`);
  let cur = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) {
      return { found: false };
    }
    cur = cur[key];
  }
  return { found: true, value: cur };
}

function deepEqual(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---- the document -----------------------------------------------------------------
async function loadSpec() {
  const res = await request('get', '/api/v1/openapi.json');
  if (res.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  let served;
  try {
    served = JSON.parse(res.bytes.toString('utf8'));
  } catch (e) {
    throw new Error(`GET /api/v1/openapi.json is not JSON: ${e.message}`);
  }
  if (specFile) {
    const local = JSON.parse(readFileSync(specFile, 'utf8'));
    if (!deepEqual(local, served)) {
      throw new Error(`the server serves another openapi.json than ${specFile}: rebuild gongkai (the document is embedded in the binary)`);
    }
  }
  if (specOverride) {
    console.log(`contract: testing ${specOverride} instead of the served document (--spec-override)`);
    return JSON.parse(readFileSync(specOverride, 'utf8'));
  }
  return served;
}

// Follows an OpenAPI-level $ref ("#/components/...") within the document.
function deref(spec, obj) {
  let seen = 0;
  while (obj && typeof obj === 'object' && typeof obj.$ref === 'string') {
    if (!obj.$ref.startsWith('#/') || ++seen > 20) throw new Error(`cannot follow $ref ${obj.$ref}`);
    const got = pointerGet(spec, obj.$ref.slice(1));
    if (!got.found) throw new Error(`dangling $ref ${obj.$ref}`);
    obj = got.value;
  }
  return obj;
}

// ---- Ajv ----------------------------------------------------------------------------
const SPEC_ID = 'https://contract.invalid/openapi.json';

// Copies a schema, pointing its "#/components/schemas/X" references at the
// schema registered as SPEC_ID (which holds components.schemas as $defs).
function rewriteRefs(node, prefix) {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, prefix));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
      out[k] = prefix + '#/$defs/' + v.slice('#/components/schemas/'.length);
    } else {
      out[k] = rewriteRefs(v, prefix);
    }
  }
  return out;
}

function makeAjv(spec, options = {}) {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,            // unknown keywords and other schema mistakes throw
    strictRequired: false,   // `required` inside if/then names properties declared beside it
    strictTypes: false,      // nullable via type arrays, `if` without `type`
    allowUnionTypes: true,
    validateFormats: true,
    ...options,
  });
  addFormats(ajv);
  // The OpenAPI 3.1 base vocabulary adds these keywords to JSON Schema.
  ajv.addVocabulary(['discriminator', 'xml', 'externalDocs', 'example']);
  const defs = rewriteRefs(spec.components?.schemas ?? {}, '');
  ajv.addSchema({ $id: SPEC_ID, $defs: defs });
  // Compile each component now, so that a mistake in one (an unknown
  // keyword...) is reported up front, naming it.
  for (const name of Object.keys(defs)) {
    try {
      ajv.compile({ $ref: `${SPEC_ID}#/$defs/${name}` });
    } catch (e) {
      throw new Error(`components.schemas.${name}: ${e.message}`);
    }
  }
  return ajv;
}

function formatErrors(errors) {
  const all = errors ?? [];
  const shown = all
    .slice(0, 8)
    .map((e) => {
      const where = e.instancePath === '' ? '(root)' : e.instancePath;
      const extra = Object.entries(e.params ?? {})
        .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
        .join(', ');
      return `${where}: ${e.message}${extra ? ` (${extra})` : ''} [schema ${e.schemaPath}]`;
    });
  if (all.length > shown.length) shown.push(`… and ${all.length - shown.length} more`);
  return shown.join('\n');
}

// The x-contract entries themselves, so that a typo ("expected", "qurey")
// fails instead of testing nothing.
const LOOKUP = {
  type: 'object',
  required: ['lookup', 'pointer'],
  additionalProperties: false,
  properties: {
    lookup: { type: 'string', pattern: '^/' },
    select: { type: 'string' },
    where: { type: 'object' },
    pointer: { type: 'string' },
  },
};
const ENV = {
  type: 'object',
  required: ['env'],
  additionalProperties: false,
  properties: { env: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' }, prefix: { type: 'string' } },
};
const SAVED = {
  type: 'object',
  required: ['saved', 'pointer'],
  additionalProperties: false,
  properties: { saved: { type: 'string', minLength: 1 }, pointer: { type: 'string' } },
};
const VALUE = { oneOf: [{ type: 'string' }, LOOKUP, ENV, SAVED] };
const ENTRY_SCHEMA = {
  type: 'object',
  required: ['expect'],
  additionalProperties: false,
  properties: {
    expect: { type: 'integer', minimum: 100, maximum: 599 },
    name: { type: 'string' },
    path: { type: 'object', additionalProperties: VALUE },
    query: { type: 'object', additionalProperties: { oneOf: [VALUE, { type: 'array', items: { type: 'string' } }] } },
    headers: { type: 'object', additionalProperties: VALUE },
    body: {},
    raw_body: { type: 'string' },
    body_bytes: { type: 'integer', minimum: 16 },
    save: { type: 'string', minLength: 1 },
    match: { type: 'object', propertyNames: { pattern: '^(/.*)?$' } },
    known_issue: { type: 'string', minLength: 1 },
  },
};

// ---- one operation ----------------------------------------------------------------
const lookupCache = new Map();

const saved = new Map();

async function resolveValue(v) {
  if (typeof v === 'string' || Array.isArray(v)) return v;
  if (typeof v.env === 'string') {
    const value = process.env[v.env];
    if (value === undefined || value === '') throw new Error(`environment variable ${v.env} is not set (run.sh sets it)`);
    return (v.prefix ?? '') + value;
  }
  if (typeof v.saved === 'string') {
    if (!saved.has(v.saved)) throw new Error(`no response was saved as "${v.saved}" by an earlier request`);
    const got = pointerGet(saved.get(v.saved), v.pointer);
    if (!got.found) throw new Error(`saved "${v.saved}": nothing at ${v.pointer}`);
    return String(got.value);
  }
  return String(await lookupValue(v));
}

// A match value that is a lookup object (exactly the LOOKUP members).
function isLookup(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.lookup === 'string' &&
    typeof v.pointer === 'string' && Object.keys(v).every((k) => k in LOOKUP.properties);
}

// The JSON value a lookup finds, as it is.
async function lookupValue(v) {
  let json = lookupCache.get(v.lookup);
  if (json === undefined) {
    const res = await request('get', v.lookup);
    if (res.status !== 200) throw new Error(`lookup GET ${v.lookup} answered ${res.status}`);
    json = JSON.parse(res.bytes.toString('utf8'));
    lookupCache.set(v.lookup, json);
  }
  let target = json;
  if (v.select !== undefined) {
    const arr = pointerGet(json, v.select);
    if (!arr.found || !Array.isArray(arr.value)) throw new Error(`lookup ${v.lookup}: ${v.select} is not an array`);
    target = arr.value.find((el) => Object.entries(v.where ?? {}).every(([k, want]) => deepEqual(el?.[k], want)));
    if (target === undefined) throw new Error(`lookup ${v.lookup}: no element of ${v.select} has ${JSON.stringify(v.where)}`);
  }
  const got = pointerGet(target, v.pointer);
  if (!got.found) throw new Error(`lookup ${v.lookup}: nothing at ${v.pointer}`);
  return got.value;
}

function statusKey(responses, status) {
  if (responses[String(status)]) return String(status);
  const range = `${String(status)[0]}XX`;
  if (responses[range]) return range;
  if (responses.default) return 'default';
  return null;
}

const TEXT_MEDIA = /^(text\/.*|application\/(json|xml|.*\+json|.*\+xml))$/;

class Checks {
  constructor() {
    this.problems = [];
  }
  add(msg) {
    this.problems.push(msg);
  }
}

// Checks one response against the documented response `doc` (dereferenced).
function checkResponse(ctx, checks, res, doc) {
  const { spec, ajv, validators } = ctx;
  // Content type.
  const ctype = res.headers.get('content-type') ?? '';
  const media = ctype.split(';')[0].trim().toLowerCase();
  const content = doc.content ?? {};
  const mediaTypes = Object.keys(content);
  let json;
  if (mediaTypes.length === 0) {
    if (res.bytes.length > 0) checks.add(`the response has a body (${ctype}) but none is documented`);
  } else if (!mediaTypes.includes(media)) {
    checks.add(`Content-Type "${ctype}" is not documented (documented: ${mediaTypes.join(', ')})`);
  } else {
    if (TEXT_MEDIA.test(media) && !/;\s*charset=utf-8\s*$/i.test(ctype)) {
      checks.add(`Content-Type "${ctype}" of a text response does not say charset=utf-8`);
    }
    const schema = content[media].schema;
    const isJson = media === 'application/json' || media.endsWith('+json');
    let value;
    if (isJson) {
      try {
        json = JSON.parse(res.bytes.toString('utf8'));
        value = json;
      } catch (e) {
        checks.add(`the body is not JSON: ${e.message}`);
      }
    } else if (TEXT_MEDIA.test(media)) {
      value = res.bytes.toString('utf8');
    } else {
      if (res.bytes.length === 0) checks.add('the body is empty');
      if (media.startsWith('application/vnd.openxmlformats-') && res.bytes.subarray(0, 4).toString('binary') !== 'PK\x03\x04') {
        checks.add('the body of an Office Open XML file is not a zip file');
      }
    }
    if (schema && value !== undefined) {
      const key = JSON.stringify(schema);
      let validate = validators.get(key);
      if (!validate) {
        validate = ajv.compile(rewriteRefs(schema, SPEC_ID));
        validators.set(key, validate);
      }
      if (!validate(value)) {
        checks.add(`the body does not match the documented schema:\n${formatErrors(validate.errors)}`);
      }
    }
  }
  // Headers.
  for (const [name, hdrRaw] of Object.entries(doc.headers ?? {})) {
    if (name.toLowerCase() === 'content-type') continue;
    const hdr = deref(spec, hdrRaw);
    const got = res.headers.get(name);
    if (got === null) {
      if (hdr.required) checks.add(`the required header ${name} is missing`);
      continue;
    }
    if (hdr.schema) {
      const validate = ajv.compile(rewriteRefs(hdr.schema, SPEC_ID));
      if (!validate(got)) checks.add(`header ${name}: "${got}" does not match its schema:\n${formatErrors(validate.errors)}`);
    }
  }
  return json;
}

function buildTarget(template, pathValues, query) {
  const path = template.replace(/\{([^}]+)\}/g, (_, name) => encodeURIComponent(pathValues[name]));
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    for (const one of Array.isArray(v) ? v : [v]) qs.append(k, one);
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

// A parameter value (always a string on the wire) against its schema:
// integers and booleans are read from their text first.
function paramValueOk(ajvCoerce, schema, value) {
  const validate = ajvCoerce.compile(rewriteRefs({ type: 'object', properties: { v: schema } }, SPEC_ID));
  const data = { v: value };
  return validate(data) ? null : formatErrors(validate.errors);
}

async function runOperation(ctx, template, method, pathItem, op) {
  const { spec } = ctx;
  const opId = op.operationId ?? `${method.toUpperCase()} ${template}`;
  const label = `${opId} (${method.toUpperCase()} ${template})`;
  const entries = op['x-contract'];
  if (!Array.isArray(entries) || entries.length === 0) {
    fail(label, 'the operation has no x-contract entries: list at least one request to make');
    return;
  }
  const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(spec, p));
  const byIn = (where) => new Map(params.filter((p) => p.in === where).map((p) => [p.name, p]));
  const pathParams = byIn('path');
  const queryParams = byIn('query');
  const responses = op.responses ?? {};
  const exercised = new Set();

  // Every parameter's example must fit its schema.
  for (const p of params) {
    if (p.example !== undefined && p.schema) {
      const bad = paramValueOk(ctx.ajvCoerce, p.schema, p.example);
      if (bad) fail(label, `the example of parameter ${p.name} (${JSON.stringify(p.example)}) does not match its schema:\n${bad}`);
    }
  }

  let pagedOnce = false;
  for (const [i, entry] of entries.entries()) {
    if (!ctx.validateEntry(entry)) {
      fail(`${label} x-contract[${i}]`, `malformed entry ${JSON.stringify(entry)}:\n${formatErrors(ctx.validateEntry.errors)}`);
      continue;
    }
    const checks = new Checks();
    let target = `${template} x-contract[${i}]`;
    let res;
    let json;
    try {
      const pathValues = {};
      for (const [k, v] of Object.entries(entry.path ?? {})) pathValues[k] = await resolveValue(v);
      const query = {};
      for (const [k, v] of Object.entries(entry.query ?? {})) query[k] = await resolveValue(v);
      const headers = {};
      for (const [k, v] of Object.entries(entry.headers ?? {})) headers[k] = await resolveValue(v);
      // Parameters: all template variables given, nothing undocumented.
      for (const name of template.match(/\{[^}]+\}/g)?.map((s) => s.slice(1, -1)) ?? []) {
        if (pathValues[name] === undefined) checks.add(`no value for path parameter {${name}}`);
        if (!pathParams.has(name)) checks.add(`path parameter {${name}} is not documented`);
      }
      for (const name of Object.keys(pathValues)) {
        if (!template.includes(`{${name}}`)) checks.add(`"${name}" is not a parameter of the path template`);
      }
      for (const name of Object.keys(query)) {
        if (!queryParams.has(name)) checks.add(`query parameter "${name}" is not documented for this operation`);
      }
      if (checks.problems.length === 0) {
        target = buildTarget(template, pathValues, query);
        if (entry.expect >= 200 && entry.expect < 300) {
          for (const [name, value] of [...Object.entries(pathValues), ...Object.entries(query)]) {
            const p = pathParams.get(name) ?? queryParams.get(name);
            if (!p?.schema) continue;
            for (const one of Array.isArray(value) ? value : [value]) {
              const bad = paramValueOk(ctx.ajvCoerce, p.schema, one);
              if (bad) checks.add(`parameter ${name}="${one}" of a request expecting ${entry.expect} does not match the parameter's schema:\n${bad}`);
            }
          }
        }
        // A request body sent expecting success must match the documented one.
        if (entry.expect >= 200 && entry.expect < 300 && entry.body !== undefined) {
          const rb = op.requestBody ? deref(spec, op.requestBody) : undefined;
          const schema = rb?.content?.['application/json']?.schema;
          if (!schema) {
            checks.add('the request has a JSON body but the operation documents none');
          } else {
            const validate = ctx.ajv.compile(rewriteRefs(schema, SPEC_ID));
            if (!validate(entry.body)) checks.add(`the request body does not match the documented requestBody:\n${formatErrors(validate.errors)}`);
          }
        }
        const bodies = ['body', 'raw_body', 'body_bytes'].filter((k) => entry[k] !== undefined);
        if (bodies.length > 1) checks.add(`give at most one of ${bodies.join(', ')}`);
        let rawBody = entry.raw_body;
        if (entry.body_bytes !== undefined) rawBody = `{"padding":"${'x'.repeat(entry.body_bytes - 14)}"}`;
        res = await request(method, target, { headers, body: entry.body, rawBody });
        // Status: the expected one, and documented.
        const key = statusKey(responses, res.status);
        if (res.status !== entry.expect) checks.add(`status ${res.status}, expected ${entry.expect}`);
        if (key === null) {
          checks.add(`status ${res.status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
        } else {
          exercised.add(key);
          json = checkResponse(ctx, checks, res, deref(spec, responses[key]));
        }
        for (const [ptr, wanted] of Object.entries(entry.match ?? {})) {
          const want = isLookup(wanted) ? await lookupValue(wanted) : wanted;
          const got = json === undefined ? { found: false } : pointerGet(json, ptr);
          if (!got.found) checks.add(`match ${ptr}: nothing there (expected ${JSON.stringify(want)})`);
          else if (!deepEqual(got.value, want)) checks.add(`match ${ptr}: ${JSON.stringify(got.value)}, expected ${JSON.stringify(want)}`);
        }
        if (entry.save !== undefined) {
          if (json === undefined) checks.add(`save "${entry.save}": the response is not JSON`);
          else saved.set(entry.save, json);
        }
      }
    } catch (e) {
      checks.add(`error: ${e.message}`);
    }
    const what = `${label} ${method.toUpperCase()} ${target}${entry.name ? ` — ${entry.name}` : ''}`;
    const bodyHint = () => {
      if (!res) return '';
      const text = res.bytes.toString('utf8');
      return `\nbody: ${text.length > 400 ? text.slice(0, 400) + '…' : text}`;
    };
    if (entry.known_issue) {
      if (checks.problems.length > 0) {
        xfailed++;
        console.log(`XFAIL ${what}\n      known issue: ${entry.known_issue}\n      ${checks.problems.join('\n').replace(/\n/g, '\n      ')}`);
      } else {
        fail(what, `XPASS: marked known_issue ("${entry.known_issue}") but every check passed: the server seems fixed, remove "known_issue" from this x-contract entry`);
      }
      continue;
    }
    if (checks.problems.length > 0) {
      fail(what, checks.problems.join('\n') + bodyHint());
      continue;
    }
    pass(`${what} → ${res.status}`);
    if (!pagedOnce && res.status === 200 && json && typeof json === 'object') {
      if (typeof json.next === 'string' || typeof json.next_cursor === 'string') {
        pagedOnce = true;
        await checkCursorPaging(ctx, label, template, method, responses, target, json);
      } else if (Number.isInteger(json.next_after) && Array.isArray(json.events) && json.events.length > 0) {
        pagedOnce = true;
        await checkAfterPaging(ctx, label, method, responses, target, json);
      }
    }
  }

  // Every documented status but server errors must have been exercised,
  // or be declared unreachable on demo data with a reason.
  const unexercised = op['x-contract-unexercised'] ?? {};
  if (unexercised === null || typeof unexercised !== 'object' || Array.isArray(unexercised)) {
    fail(label, 'x-contract-unexercised must be an object {"status": "reason"}');
  } else {
    for (const [key, why] of Object.entries(unexercised)) {
      if (!/^4\d\d$/.test(key) || !responses[key]) {
        fail(label, `x-contract-unexercised: ${key} is not a documented 4xx status of the operation`);
      } else if (typeof why !== 'string' || why.length === 0) {
        fail(label, `x-contract-unexercised: status ${key} needs the reason as a non-empty string`);
      } else if (exercised.has(key)) {
        fail(label, `status ${key} is declared in x-contract-unexercised but an x-contract request got it: remove the declaration`);
      } else {
        console.log(`skip  ${label}: status ${key} not exercised on demo data (${why})`);
      }
    }
  }
  for (const key of Object.keys(responses)) {
    if (key.startsWith('5') || key === 'default') continue;
    if (!exercised.has(key) && !Object.hasOwn(unexercised ?? {}, key)) {
      fail(label, `documented status ${key} is never exercised by an x-contract request`);
    }
  }
}

// next / next_cursor: the next page is valid, continues after this page and
// `next` is this query with cursor=next_cursor.
async function checkCursorPaging(ctx, label, template, method, responses, target, page) {
  const what = `${label} paging: ${target} → next`;
  const checks = new Checks();
  try {
    if (typeof page.next !== 'string' || typeof page.next_cursor !== 'string') {
      checks.add(`next (${JSON.stringify(page.next)}) and next_cursor (${JSON.stringify(page.next_cursor)}) must both be strings or both null`);
    } else {
      const res = await request(method, page.next);
      if (res.status !== 200) checks.add(`GET ${page.next} answered ${res.status}`);
      const key = statusKey(responses, res.status);
      const next = key ? checkResponse(ctx, checks, res, deref(ctx.spec, responses[key])) : undefined;
      const url = new URL(base + target);
      url.searchParams.set('cursor', page.next_cursor);
      const same = await request(method, url.pathname + url.search);
      if (same.bytes.toString('utf8') !== res.bytes.toString('utf8')) {
        checks.add(`GET ${page.next} and GET ${url.pathname + url.search} (cursor=next_cursor) differ`);
      }
      const list = Object.values(page).find(Array.isArray);
      const nextList = next && Object.values(next).find(Array.isArray);
      if (list && nextList && list.length > 0 && nextList.length > 0) {
        const last = list[list.length - 1].id;
        if (!(nextList[0].id > last)) checks.add(`the next page starts at id ${nextList[0].id}, not after ${last}`);
      } else if (nextList && nextList.length === 0) {
        checks.add('next points to an empty page');
      }
      if (next && next.total !== undefined && next.total !== page.total) {
        checks.add(`total changed from ${page.total} to ${next.total} between pages`);
      }
    }
  } catch (e) {
    checks.add(`request failed: ${e.message}`);
  }
  if (checks.problems.length) fail(what, checks.problems.join('\n'));
  else pass(what);
}

// next_after: asking with after=next_after returns only later events.
async function checkAfterPaging(ctx, label, method, responses, target, page) {
  const url = new URL(base + target);
  url.searchParams.set('after', String(page.next_after));
  const next = url.pathname + url.search;
  const what = `${label} paging: ${target} → ${next}`;
  const checks = new Checks();
  try {
    const last = page.events[page.events.length - 1].seq;
    if (page.next_after !== last) checks.add(`next_after is ${page.next_after}, the last event's seq is ${last}`);
    const res = await request(method, next);
    if (res.status !== 200) checks.add(`answered ${res.status}`);
    const key = statusKey(responses, res.status);
    const body = key ? checkResponse(ctx, checks, res, deref(ctx.spec, responses[key])) : undefined;
    for (const e of body?.events ?? []) {
      if (!(e.seq > page.next_after)) checks.add(`event ${e.seq} is not after ${page.next_after}`);
    }
  } catch (e) {
    checks.add(`request failed: ${e.message}`);
  }
  if (checks.problems.length) fail(what, checks.problems.join('\n'));
  else pass(what);
}

// ---- main -----------------------------------------------------------------------------
async function main() {
  const started = Date.now();
  let spec;
  try {
    spec = await loadSpec();
  } catch (e) {
    console.log(`FAIL  loading the OpenAPI document from ${base}: ${e.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  if (spec.openapi !== '3.1.0') fail('document', `openapi is ${JSON.stringify(spec.openapi)}, expected "3.1.0"`);
  let ajv;
  let ajvCoerce;
  try {
    ajv = makeAjv(spec);
    ajvCoerce = makeAjv(spec, { coerceTypes: true, allErrors: true });
  } catch (e) {
    console.log(`FAIL  the document's schemas do not compile: ${e.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const ctx = { spec, ajv, ajvCoerce, validators: new Map(), validateEntry: new Ajv2020({ allErrors: true }).compile(ENTRY_SCHEMA) };
  const ops = [];
  for (const [template, pathItemRaw] of Object.entries(spec.paths ?? {})) {
    const pathItem = deref(spec, pathItemRaw);
    for (const method of METHODS) if (pathItem[method]) ops.push({ template, method, pathItem });
  }
  // Reads first, then writes, each in document order.
  const ordered = [...ops.filter((o) => o.method === 'get'), ...ops.filter((o) => o.method !== 'get')];
  let operations = 0;
  for (const { template, method, pathItem } of ordered) {
    operations++;
    try {
      await runOperation(ctx, template, method, pathItem, pathItem[method]);
    } catch (e) {
      fail(`${method.toUpperCase()} ${template}`, `the test itself failed: ${e.stack ?? e}`);
    }
  }
  if (operations === 0) fail('document', 'the document has no operations');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\ncontract: ${operations} operations, ${xfailed} known issue(s) (XFAIL), ${secs}s`);
  if (failures.length) console.log(`\nFailures:\n  ${failures.join('\n  ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

await main();
