// Calls to the server's APIs from the browser: AWS JSON 1.0 over POST /, signed with SigV4 exactly as the
// AWS SDKs sign, with the console user's access key (sessionStorage) or, without access control, a dummy
// key that the server accepts.

import { sha256, hmac, hex } from './sha256.js';

const targets = {
  swf: 'SimpleWorkflowService',
  states: 'AWSStepFunctions',
  openswf: 'OpenSWF',
};

const enc = new TextEncoder();
const KEY_ID = 'openswf.console.accessKeyId';
const SECRET = 'openswf.console.secretAccessKey';

let config = { region: 'us-east-1', auth: false, version: '' };

export async function loadConfig() {
  const r = await fetch('config.json', { cache: 'no-store' });
  if (!r.ok) throw new Error('config.json: HTTP ' + r.status);
  config = await r.json();
  return config;
}

export function getConfig() { return config; }

// credentials returns the key to sign with, or null when access control is on and nobody signed in.
export function credentials() {
  if (!config.auth) return { id: 'openswf-console', secret: 'openswf-console' };
  const id = sessionStorage.getItem(KEY_ID), secret = sessionStorage.getItem(SECRET);
  return id && secret ? { id, secret } : null;
}

export function signIn(id, secret) {
  sessionStorage.setItem(KEY_ID, id);
  sessionStorage.setItem(SECRET, secret);
}

export function signOut() {
  sessionStorage.removeItem(KEY_ID);
  sessionStorage.removeItem(SECRET);
}

// ApiError is a fault the server answered: type is the fault's shape name (OperationNotPermittedFault, …).
export class ApiError extends Error {
  constructor(type, message, status) {
    super(message ? type + ': ' + message : type);
    this.type = type;
    this.status = status;
  }
}

function amzDate(d) {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

// sign returns the headers of a signed POST / of body (a string) for service.
export async function sign(service, target, body, creds, now = new Date()) {
  const date = amzDate(now);
  const day = date.slice(0, 8);
  const host = location.host;
  const payloadHash = hex(await sha256(enc.encode(body)));
  const headers = {
    'content-type': 'application/x-amz-json-1.0',
    host,
    'x-amz-date': date,
    'x-amz-target': target,
  };
  const names = Object.keys(headers).sort();
  const canonical = ['POST', '/', '', ...names.map((n) => n + ':' + headers[n]), '', names.join(';'), payloadHash].join('\n');
  const scope = `${day}/${config.region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, hex(await sha256(enc.encode(canonical)))].join('\n');
  let key = enc.encode('AWS4' + creds.secret);
  for (const part of [day, config.region, service, 'aws4_request']) key = await hmac(key, enc.encode(part));
  const signature = hex(await hmac(key, enc.encode(toSign)));
  return {
    'Content-Type': headers['content-type'],
    'X-Amz-Date': date,
    'X-Amz-Target': target,
    Authorization: `AWS4-HMAC-SHA256 Credential=${creds.id}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

// call invokes service's operation op with input, resolving to its output or rejecting with an ApiError.
export async function call(service, op, input = {}) {
  const creds = credentials();
  if (!creds) throw new ApiError('NotSignedIn', 'sign in with an access key first', 0);
  const body = JSON.stringify(input);
  const headers = await sign(service, targets[service] + '.' + op, body, creds);
  let r;
  try {
    r = await fetch('/', { method: 'POST', headers, body, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError('NetworkError', 'the server did not answer (' + e.message + ')', 0);
  }
  const text = await r.text();
  let out = {};
  try {
    out = text ? JSON.parse(text) : {};
  } catch {
    if (r.ok) throw new ApiError('SerializationException', 'the answer is not JSON', r.status);
  }
  if (!r.ok) {
    const type = String(out.__type || r.headers.get('x-amzn-ErrorType') || 'HTTP ' + r.status).split('#').pop().split(':')[0];
    throw new ApiError(type, out.message || out.Message || '', r.status);
  }
  return out;
}

export const swf = (op, input) => call('swf', op, input);
export const states = (op, input) => call('states', op, input);
export const openswf = (op, input) => call('openswf', op, input);
