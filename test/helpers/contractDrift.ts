/**
 * Compares the protocol contract (`protocol/`, read through the TypeScript checker from
 * `contractProbe.ts`) with the reference's JSON schema: field names, which fields are
 * required, and enum values, recursively through items, threads and turns.
 *
 * Direction matters. What a client sends (request params, answers to server requests):
 * every field we declare must exist in the reference, a field the reference requires must be
 * required here, and a field the reference leaves optional must be optional here (or we would
 * reject valid requests). Reference fields we leave out are fields our server does not take.
 * What a server sends (results, notifications, server request params): every field we declare
 * must exist in the reference, and every field the reference requires must be required here;
 * a field we always send may be optional in the reference.
 * Enums (string literal unions) must have exactly the reference's values. A plain `string`
 * where the reference has an enum, and `unknown`, are not compared.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './protocolSchema';

/** Fields that tell a union's object variants apart, with the prefix their variant names get. */
const DISCRIMINANTS: [string, string][] = [
  ['type', ''],
  ['mode', 'mode:'],
];

type Schema = Record<string, any>;
export type Direction = 'toServer' | 'toClient';

/** Every named definition of a generated schema dir (root, v2 bundle and the message unions). */
export class ReferenceDefinitions {
  readonly defs = new Map<string, Schema>();
  readonly unions: Record<'ClientRequest' | 'ServerNotification' | 'ServerRequest', Schema>;

  constructor(dir: string) {
    const read = (name: string): Schema => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    this.unions = { ClientRequest: read('ClientRequest.json'), ServerNotification: read('ServerNotification.json'), ServerRequest: read('ServerRequest.json') };
    const sources = [read('codex_app_server_protocol.v2.schemas.json'), read('codex_app_server_protocol.schemas.json'), ...Object.values(this.unions)];
    for (const source of sources) {
      for (const [name, def] of Object.entries<Schema>(source.definitions ?? {})) if (name !== 'v2' && !this.defs.has(name)) this.defs.set(name, def);
    }
  }

  /** method → the name of its params type, for one union. */
  methods(union: keyof ReferenceDefinitions['unions']): Map<string, string> {
    const out = new Map<string, string>();
    for (const branch of this.unions[union].oneOf ?? []) {
      const method = branch.properties?.method?.enum?.[0];
      const ref: string | undefined = branch.properties?.params?.$ref;
      if (method) out.set(method, ref ? ref.split('/').pop()! : '');
    }
    return out;
  }

  named(name: string): Schema | undefined {
    return this.defs.get(name);
  }
}

/** The contract's maps, as TypeScript types. */
export class ContractTypes {
  readonly checker: ts.TypeChecker;
  private readonly file: ts.SourceFile;

  constructor() {
    const probe = path.join(REPO_ROOT, 'test', 'helpers', 'contractProbe.ts');
    const program = ts.createProgram([probe], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
    });
    this.checker = program.getTypeChecker();
    this.file = program.getSourceFile(probe)!;
  }

  /** The properties of an exported type alias of the probe: name → type. */
  entries(alias: 'ProbeRequests' | 'ProbeNotifications' | 'ProbeServerRequests'): Map<string, ts.Type> {
    const symbol = this.checker.getExportsOfModule(this.checker.getSymbolAtLocation(this.file)!).find((s) => s.name === alias);
    if (!symbol) throw new Error(`contractProbe.ts exports no ${alias}`);
    const type = this.checker.getDeclaredTypeOfSymbol(symbol);
    return new Map(this.checker.getPropertiesOfType(type).map((p) => [p.name, this.checker.getTypeOfSymbol(p)]));
  }

  member(type: ts.Type, name: string): ts.Type | undefined {
    const prop = this.checker.getPropertyOfType(type, name);
    return prop && this.checker.getTypeOfSymbol(prop);
  }
}

/** Walks one of our types against one reference schema and collects the differences. */
export class DriftWalker {
  readonly problems: string[] = [];

  constructor(
    private readonly contract: ContractTypes,
    private readonly reference: ReferenceDefinitions,
  ) {}

  compare(ours: ts.Type, ref: Schema, where: string, direction: Direction, depth = 0): void {
    // Our shapes are not recursive; the bound only guards against a mistake.
    if (depth > 12) return;

    const members = this.nonNullMembers(ours);
    if (members.some((t) => t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return;
    const branches = this.branches(ref);
    if (branches.length === 0) return;

    // Enums.
    const ourValues = members.filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value);
    const refValues = branches.flatMap((b) => this.enumValues(b));
    const ourHasPlainString = members.some((t) => t.flags & ts.TypeFlags.String);
    if (ourValues.length && refValues.length && !ourHasPlainString) {
      const extra = ourValues.filter((v) => !refValues.includes(v));
      const missing = refValues.filter((v) => !ourValues.includes(v));
      if (extra.length) this.problems.push(`${where}: value(s) ${extra.map((v) => `"${v}"`).join(', ')} not in the reference's enum`);
      if (missing.length) this.problems.push(`${where}: lacks the reference's value(s) ${missing.map((v) => `"${v}"`).join(', ')}`);
    }

    // Arrays.
    const ourArray = members.find((t) => this.contract.checker.isArrayType(t));
    const refArray = branches.find((b) => b.type === 'array' || (Array.isArray(b.type) && b.type.includes('array')));
    if (ourArray && refArray?.items) {
      const element = this.contract.checker.getTypeArguments(ourArray as ts.TypeReference)[0];
      if (element) this.compare(element, refArray.items, `${where}[]`, direction, depth + 1);
    }

    // Objects (one shape, or a union matched branch by branch).
    const ourObjects = members.filter((t) => this.isObjectShape(t));
    const refObjects = branches.filter((b) => b.properties);
    if (ourObjects.length === 0 || refObjects.length === 0) return;
    if (ourObjects.length === 1 && refObjects.length === 1) {
      this.compareObject(ourObjects[0], refObjects[0], where, direction, depth);
      return;
    }
    const refByVariant = new Map<string, Schema>();
    for (const branch of refObjects) for (const variant of this.refVariants(branch)) refByVariant.set(variant, branch);
    const covered = new Set<string>();
    let catchAll = false;
    for (const object of ourObjects) {
      const variants = this.ourVariants(object);
      if (this.contract.checker.getIndexInfosOfType(object).length) catchAll = true;
      for (const variant of variants) {
        const branch = refByVariant.get(variant);
        if (!branch) {
          this.problems.push(`${where}: variant ${variant} is not in the reference`);
          continue;
        }
        covered.add(variant);
        this.compareObject(object, branch, `${where}(${variant})`, direction, depth, variant.startsWith('"') ? 'type' : variant.startsWith('mode:') ? 'mode' : undefined);
      }
    }
    if (!catchAll) {
      const missing = [...refByVariant.keys()].filter((v) => !covered.has(v));
      if (missing.length) this.problems.push(`${where}: lacks the reference's variant(s) ${missing.join(', ')}`);
    }
  }

  /** `matchedOn`: the discriminant this branch was matched by, not compared again (one branch of ours may cover several values). */
  private compareObject(ours: ts.Type, ref: Schema, where: string, direction: Direction, depth: number, matchedOn?: string): void {
    const checker = this.contract.checker;
    const refProps: Record<string, Schema> = ref.properties ?? {};
    const required = new Set<string>(ref.required ?? []);
    const ourProps = checker.getPropertiesOfType(ours);
    const ourNames = new Set(ourProps.map((p) => p.name));
    for (const prop of ourProps) {
      const at = `${where}.${prop.name}`;
      const type = checker.getTypeOfSymbol(prop);
      const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0 || this.members(type).some((t) => t.flags & ts.TypeFlags.Undefined);
      if (!(prop.name in refProps)) {
        this.problems.push(`${at}: not in the reference`);
        continue;
      }
      if (prop.name === matchedOn) continue;
      if (required.has(prop.name) && optional) this.problems.push(`${at}: optional here, required in the reference`);
      if (!required.has(prop.name) && !optional && direction === 'toServer') this.problems.push(`${at}: required here, optional in the reference`);
      this.compare(type, refProps[prop.name], at, direction, depth + 1);
    }
    if (direction === 'toClient' && checker.getIndexInfosOfType(ours).length === 0) {
      for (const name of required) if (!ourNames.has(name)) this.problems.push(`${where}.${name}: required by the reference, missing here`);
    }
  }

  /** Non-null, non-undefined members of a type (a union's members, or the type itself). */
  private nonNullMembers(type: ts.Type): ts.Type[] {
    return this.members(type).filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
  }

  private members(type: ts.Type): ts.Type[] {
    return type.isUnion() ? type.types : [type];
  }

  private isObjectShape(type: ts.Type): boolean {
    if (!(type.flags & ts.TypeFlags.Object) && !type.isIntersection()) return false;
    if (this.contract.checker.isArrayType(type) || this.contract.checker.isTupleType(type)) return false;
    if (type.getCallSignatures().length) return false;
    return this.contract.checker.getPropertiesOfType(type).length > 0;
  }

  /** How an object branch of ours is told apart: its `type` literal(s), else its `mode` literal(s) (e.g. GatewayAuth), else its property names. */
  private ourVariants(type: ts.Type): string[] {
    for (const [name, prefix] of DISCRIMINANTS) {
      const discriminant = this.contract.member(type, name);
      if (!discriminant) continue;
      const values = this.members(discriminant).filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value);
      if (values.length) return values.map((v) => `${prefix}"${v}"`);
    }
    return [`{${this.contract.checker.getPropertiesOfType(type).map((p) => p.name).sort().join(',')}}`];
  }

  private refVariants(branch: Schema): string[] {
    for (const [name, prefix] of DISCRIMINANTS) {
      const discriminant = branch.properties?.[name] && this.resolve(branch.properties[name]);
      const values = discriminant ? this.enumValues(discriminant) : [];
      if (values.length) return values.map((v) => `${prefix}"${v}"`);
    }
    return [`{${Object.keys(branch.properties).sort().join(',')}}`];
  }

  /** A schema's alternatives with `$ref`s resolved and `null` dropped. */
  private branches(schema: Schema): Schema[] {
    const resolved = this.resolve(schema);
    const alternatives: Schema[] | undefined = resolved.anyOf ?? resolved.oneOf;
    const discriminated = alternatives?.every((b) => this.resolve(b).properties?.type);
    if (alternatives && resolved.properties && !discriminated) {
      // An object with alternative extra fields (e.g. `{type: "image"}` plus `url` or `fileId`):
      // one shape whose alternative fields are optional.
      const { anyOf, oneOf, ...base } = resolved;
      const extra = (anyOf ?? oneOf).map((b: Schema) => this.resolve(b));
      const properties: Record<string, Schema> = {};
      for (const alternative of extra) {
        for (const [name, field] of Object.entries<Schema>(alternative.properties ?? {})) {
          const before = properties[name];
          // The same field in several alternatives (e.g. `handlerType`): the union of their values.
          properties[name] = before?.enum && field.enum ? { ...before, enum: [...new Set([...before.enum, ...field.enum])] } : (before ?? field);
        }
      }
      return [{ ...base, properties: { ...properties, ...base.properties } }];
    }
    if (alternatives) return alternatives.flatMap((b) => this.branches(b));
    if (resolved.type === 'null') return [];
    if (Array.isArray(resolved.type)) {
      const types = resolved.type.filter((t: string) => t !== 'null');
      return types.length ? [{ ...resolved, type: types.length === 1 ? types[0] : types }] : [];
    }
    return [resolved];
  }

  private resolve(schema: Schema): Schema {
    let current = schema;
    for (let i = 0; i < 20; i++) {
      if (current.$ref) {
        const name = String(current.$ref).split('/').pop()!;
        const target = this.reference.named(name);
        if (!target) throw new Error(`the reference schema has no definition ${name}`);
        current = { ...target, ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== '$ref' && k !== 'description')) };
      } else if (current.allOf?.length === 1 && !current.properties) {
        const { allOf, ...rest } = current;
        current = { ...allOf[0], ...rest };
      } else {
        return current;
      }
    }
    return current;
  }

  private enumValues(schema: Schema): string[] {
    const resolved = this.resolve(schema);
    if (Array.isArray(resolved.enum)) return resolved.enum.filter((v: unknown) => typeof v === 'string');
    if (typeof resolved.const === 'string') return [resolved.const];
    return [];
  }
}
