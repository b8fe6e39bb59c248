// Stage: the completed recipe against the Plan's JSON Schema (ajv, strict, all errors), each ajv error turned into
// a located diagnostic with expected / found and a "did you mean" for misspelt keys and enum values.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { describeValue, errorAt, type Diagnostic } from '../diagnostics.ts';
import { formatKey as formatWrittenKey, type KeySegment } from '../key-path.ts';
import { taggedKindsAt, writtenPath } from '../resolve/short-forms.ts';
import type { RecipeNode } from '../parse/recipe-node.ts';
import { positionAtPath } from '../resolve/positions.ts';
import { didYouMean } from '../suggest.ts';
import { planJsonSchema, recipeJsonSchema, STAGE_KINDS, type JsonSchema } from './schema.ts';

let compiled: ValidateFunction | undefined;

/** The compiled Plan validator (compiled once, on first use). */
function planValidator(): ValidateFunction {
  compiled ??= new Ajv({ strict: true, allErrors: true, verbose: true, allowUnionTypes: true, discriminator: true }).compile(planJsonSchema);
  return compiled;
}

/** Compiles a schema with the same ajv settings (tests use it to prove the recipe schema is valid in strict mode). */
export function compileSchema(schema: JsonSchema): ValidateFunction {
  const ajv = new Ajv({ strict: true, allErrors: true, verbose: true, allowUnionTypes: true, discriminator: true });
  // Editors' message for a pattern mismatch (yaml-language-server / vscode-json-languageservice); no effect here.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  return ajv.compile(schema);
}

/** Validates plain data against the Plan schema; diagnostics are located through `tree`. */
export function checkSchema(value: unknown, tree: RecipeNode, fallbackFile: string): Diagnostic[] {
  const validate = planValidator();
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  const anyOfPaths = errors.filter((error) => error.keyword === 'anyOf').map((error) => `${error.schemaPath}/`);
  // A stage without a kind has no defaults: report the kind, not every key it would have given.
  const kindless = new Set(errors.filter(isMissingStageKind).map((error) => error.instancePath));
  const diagnostics = errors
    .filter((error) => !anyOfPaths.some((prefix) => error.schemaPath.startsWith(prefix)))
    .filter((error) => error.keyword !== 'required' || !kindless.has(error.instancePath) || isMissingStageKind(error))
    .map((error) => toDiagnostic(error, tree, fallbackFile));
  const seen = new Set<string>();
  return diagnostics.filter((diagnostic) => {
    const id = `${diagnostic.key}|${diagnostic.code}|${diagnostic.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function pathOf(pointer: string): KeySegment[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function toDiagnostic(error: ErrorObject, tree: RecipeNode, fallbackFile: string): Diagnostic {
  const path = pathOf(error.instancePath);
  // Keys as the user wrote them (short forms included); positions are looked up in the canonical tree.
  const formatKey = (segments: KeySegment[]): string => formatWrittenKey(writtenPath(tree, segments));
  const key = formatKey(path);
  const found = describeValue(error.data);
  const at = (segments: KeySegment[], atKey = false) => positionAtPath(tree, segments, fallbackFile, atKey);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      // `schedule: { cosin: {...} }`: the short form's tag is a kind as well as a key.
      const hint = didYouMean(name, [...known, ...(taggedKindsAt(path) ?? [])]);
      return errorAt(at([...path, name], true), 'UNKNOWN_KEY', formatKey([...path, name]), `unknown key \`${name}\``, {
        expected: known.length > 0 ? `one of ${known.join(', ')}` : 'no other keys', found: name, ...(hint ? { hint } : {}),
      });
    }
    case 'required': {
      const name = String(params.missingProperty);
      if (isMissingStageKind(error)) {
        const stageName = (error.data as { name?: unknown }).name;
        const label = typeof stageName === 'string' ? ` \`${stageName}\`` : '';
        return errorAt(at(path), 'REQUIRED', formatKey([...path, name]), `stage${label} needs a kind`, {
          expected: STAGE_KINDS.join(' | '),
          hint: 'add `kind: teacher` or `kind: student` (it is inferred only from the names teacher and student)',
        });
      }
      return errorAt(at(path), 'REQUIRED', formatKey([...path, name]), `\`${name}\` is required here`, { hint: `add \`${name}:\`` });
    }
    case 'type': {
      // `optimizer: sgdd`: a string where a tagged object may be written as its kind alone is a misspelt kind.
      const kinds = taggedKindsAt(path);
      if (kinds !== undefined && typeof error.data === 'string') {
        const hint = didYouMean(error.data, kinds);
        return errorAt(at(path), 'BAD_ENUM', key, `${found} is not allowed here`, { expected: kinds.join(' | '), found, ...(hint ? { hint } : {}) });
      }
      const expected = Array.isArray(params.type) ? params.type.join(' or ') : String(params.type);
      return errorAt(at(path), 'WRONG_TYPE', key, `expected ${article(expected)}, found ${found}`, { expected, found });
    }
    case 'enum':
    case 'const': {
      const allowed = (error.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue]).map(String);
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined;
      return errorAt(at(path), 'BAD_ENUM', key, `${found} is not allowed here`, { expected: allowed.join(' | '), found, ...(hint ? { hint } : {}) });
    }
    case 'discriminator': {
      const tag = String(params.tag);
      const branches = (error.parentSchema?.oneOf as Array<{ properties: Record<string, { const: string }> }> | undefined) ?? [];
      const allowed = branches.map((branch) => branch.properties[tag]?.const ?? '');
      const value = params.tagValue;
      const hint = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
      return errorAt(at([...path, tag]), 'BAD_ENUM', formatKey([...path, tag]), `${describeValue(value)} is not allowed here`, { expected: allowed.join(' | '), found: describeValue(value), ...(hint ? { hint } : {}) });
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const expected = `${String(params.comparison)} ${String(params.limit)}`;
      return errorAt(at(path), 'OUT_OF_RANGE', key, `${found} is out of range: must be ${expected}`, { expected, found });
    }
    case 'minItems':
    case 'maxItems': {
      const schema = error.parentSchema ?? {};
      const expected = schema.minItems === schema.maxItems ? `exactly ${String(schema.minItems)} items` : `${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} items`;
      return errorAt(at(path), 'INVALID_VALUE', key, `expected ${expected}, found ${Array.isArray(error.data) ? error.data.length : 0}`, { expected, found: JSON.stringify(error.data) });
    }
    case 'uniqueItems':
      return errorAt(at(path), 'INVALID_VALUE', key, `items must not repeat (items ${String(params.j)} and ${String(params.i)} are equal)`, { found: JSON.stringify(error.data) });
    case 'minLength':
      return errorAt(at(path), 'INVALID_VALUE', key, 'must not be empty', { found });
    case 'anyOf':
      return errorAt(at(path), 'WRONG_TYPE', key, `${found} matches none of the allowed forms`, { expected: describeForms(error.schema), found });
    default:
      return errorAt(at(path), 'INVALID_VALUE', key, error.message ?? 'invalid value', { found });
  }
}

function isMissingStageKind(error: ErrorObject): boolean {
  return error.keyword === 'required' && /^\/stages\/\d+$/.test(error.instancePath) && (error.params as { missingProperty?: string }).missingProperty === 'kind';
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** `integer >= 1 | "auto"` for the branches of an anyOf. */
function describeForms(schema: unknown): string {
  if (!Array.isArray(schema)) return 'another form';
  return schema.map((branch: JsonSchema) => {
    if ('const' in branch) return JSON.stringify(branch.const);
    const bound = branch.minimum === undefined ? '' : ` >= ${String(branch.minimum)}`;
    return `${String(branch.type)}${bound}`;
  }).join(' | ');
}

let recipeValidator: ValidateFunction | undefined;

/**
 * Checks plain data of ONE recipe file against the editor schema (recipes/vadc.schema.json): what an editor would
 * flag. Returns ajv's messages (`/model/patch must be integer`), empty when it matches. Resolution does not use this.
 */
export function checkRecipeFileSchema(value: unknown): string[] {
  recipeValidator ??= compileSchema(recipeJsonSchema);
  if (recipeValidator(value)) return [];
  return (recipeValidator.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
}
