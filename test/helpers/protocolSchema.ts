/**
 * The protocol's ground truth: the JSON schema printed by the pinned reference
 * `codex app-server generate-json-schema`, generated into a temporary folder
 * (never committed) and compiled with ajv into per-method validators.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const REFERENCE_CODEX = path.join(REPO_ROOT, 'node_modules', '.bin', 'codex');

type JsonSchema = { definitions?: Record<string, unknown>; oneOf?: JsonSchema[]; properties?: Record<string, any>; [k: string]: unknown };

export type MessageKind = 'clientRequest' | 'response' | 'notification' | 'serverRequest' | 'serverRequestResponse';

export interface Violation {
  kind: MessageKind;
  method: string;
  errors: string;
  message: unknown;
}

export class ProtocolSchema {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction | null>();
  private readonly unions: Record<'ClientRequest' | 'ServerNotification' | 'ServerRequest', JsonSchema>;

  constructor(readonly dir: string) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // The reference uses Rust integer formats; accept them as plain integer checks.
    for (const f of ['int64', 'uint64', 'int32', 'uint32', 'uint', 'int', 'uint16', 'uint8', 'int8', 'int16', 'double', 'float']) {
      this.ajv.addFormat(f, { type: 'number', validate: (n: number) => Number.isFinite(n) });
    }
    const read = (name: string): JsonSchema => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    this.unions = {
      ClientRequest: read('ClientRequest.json'),
      ServerNotification: read('ServerNotification.json'),
      ServerRequest: read('ServerRequest.json'),
    };
  }

  /** Methods a union declares, e.g. every server notification method. */
  methods(union: keyof ProtocolSchema['unions']): string[] {
    return (this.unions[union].oneOf ?? []).map((branch) => branch.properties?.method?.enum?.[0]).filter(Boolean);
  }

  /** Validates a whole client request `{id, method, params}`. */
  validateClientRequest(message: { method: string }): string | null {
    return this.validateBranch('ClientRequest', message.method, message);
  }

  /** Validates a server notification `{method, params}`. */
  validateNotification(message: { method: string }): string | null {
    return this.validateBranch('ServerNotification', message.method, message);
  }

  /** Validates a server-to-client request `{id, method, params}`. */
  validateServerRequest(message: { method: string }): string | null {
    return this.validateBranch('ServerRequest', message.method, message);
  }

  /** Validates the `result` of a client request by its method. */
  validateResponse(method: string, result: unknown): string | null {
    const name = RESPONSE_TYPE_EXCEPTIONS[method] ?? this.paramsTypeName('ClientRequest', method)?.replace(/Params$/, 'Response');
    if (!name) return `unknown client request method ${method}`;
    return this.validateNamed(name, result);
  }

  /** Validates what a client answers to a server request, by its method. */
  validateServerRequestResponse(method: string, result: unknown): string | null {
    const name = this.paramsTypeName('ServerRequest', method)?.replace(/Params$/, 'Response');
    if (!name) return `unknown server request method ${method}`;
    return this.validateNamed(name, result);
  }

  private paramsTypeName(union: keyof ProtocolSchema['unions'], method: string): string | undefined {
    const branch = this.unions[union].oneOf?.find((b) => b.properties?.method?.enum?.[0] === method);
    const ref: string | undefined = branch?.properties?.params?.$ref;
    return ref?.split('/').pop();
  }

  private validateBranch(union: keyof ProtocolSchema['unions'], method: string, message: unknown): string | null {
    const key = `${union}:${method}`;
    if (!this.cache.has(key)) {
      const root = this.unions[union];
      const branch = root.oneOf?.find((b) => b.properties?.method?.enum?.[0] === method);
      this.cache.set(key, branch ? this.ajv.compile({ ...branch, definitions: root.definitions }) : null);
    }
    const validate = this.cache.get(key);
    if (!validate) return `method ${method} is not a ${union}`;
    return validate(message) ? null : this.ajv.errorsText(validate.errors, { separator: '\n' });
  }

  private validateNamed(typeName: string, value: unknown): string | null {
    const key = `named:${typeName}`;
    if (!this.cache.has(key)) {
      const file = [path.join(this.dir, 'v2', `${typeName}.json`), path.join(this.dir, 'v1', `${typeName}.json`), path.join(this.dir, `${typeName}.json`)].find((f) =>
        fs.existsSync(f),
      );
      this.cache.set(key, file ? this.ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8'))) : null);
    }
    const validate = this.cache.get(key);
    if (!validate) return `no schema for ${typeName}`;
    return validate(value) ? null : this.ajv.errorsText(validate.errors, { separator: '\n' });
  }
}

/** Client requests whose response type is not named after their params type. */
export const RESPONSE_TYPE_EXCEPTIONS: Record<string, string> = {
  'config/value/write': 'ConfigWriteResponse',
  'config/batchWrite': 'ConfigWriteResponse',
  'configRequirements/read': 'ConfigRequirementsReadResponse',
  'config/mcpServer/reload': 'McpServerRefreshResponse',
  'account/logout': 'LogoutAccountResponse',
  'account/rateLimits/read': 'GetAccountRateLimitsResponse',
};

let shared: ProtocolSchema | undefined;
let sharedExperimental: ProtocolSchema | undefined;
const generated = new Map<boolean, string>();

/**
 * Runs `codex app-server generate-json-schema [--experimental]` once per test process into a
 * temp dir (removed at exit) and returns the dir.
 */
export function referenceSchemaDir(experimental = false): string {
  let dir = generated.get(experimental);
  if (dir) return dir;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), experimental ? 'codex-schema-x-' : 'codex-schema-'));
  const args = ['app-server', 'generate-json-schema', '--out', dir, ...(experimental ? ['--experimental'] : [])];
  execFileSync(REFERENCE_CODEX, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const created = dir;
  process.on('exit', () => fs.rmSync(created, { recursive: true, force: true }));
  generated.set(experimental, dir);
  return dir;
}

/** The stable (or `--experimental`) reference schema, compiled for validating messages. */
export function loadProtocolSchema(experimental = false): ProtocolSchema {
  if (experimental) return (sharedExperimental ??= new ProtocolSchema(referenceSchemaDir(true)));
  shared ??= new ProtocolSchema(referenceSchemaDir(false));
  return shared;
}
