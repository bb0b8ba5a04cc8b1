/**
 * A lifecycle policy's text, read and checked as ECR checks it: the JSON schema first (types, required and
 * unknown members, enums, minimums, at most 50 rules), then the rules between rules (unique priorities, at
 * most one untagged rule, `any` last, one tag list per rule, at most four wildcards per pattern). The text's
 * length (100 to 30,720 characters) is the model's constraint, checked with every request's members.
 * @module
 */

import { lifecyclePolicyInvalid } from '../errors.ts';

/** How a rule selects images by their tags. */
export type RuleTagStatus = 'tagged' | 'untagged' | 'any';

/** What a rule counts: images beyond a number, or days since push or since last pull. */
export type RuleCountType = 'imageCountMoreThan' | 'sinceImagePushed' | 'sinceImagePulled';

/** One rule of a checked policy. */
export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: RuleTagStatus;
    /** Every prefix must start some tag of the image (tagged rules only; not with `tagPatternList`). */
    tagPrefixList?: string[];
    /** Every pattern must match some tag of the image, `*` matching any run of characters. */
    tagPatternList?: string[];
    countType: RuleCountType;
    /** `days`, with the time-based count types only. */
    countUnit?: 'days';
    countNumber: number;
  };
  action: { type: 'expire' };
}

/** A checked policy: its rules in priority order, lowest number first. */
export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

/** At most this many rules (ECR's limit). */
export const MAX_LIFECYCLE_RULES = 50;

/** At most this many `*` in one `tagPatternList` pattern (ECR's limit). */
export const MAX_PATTERN_WILDCARDS = 4;

/** The JSON-schema type name of a value, as the validator ECR uses prints it. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const quoted = (names: readonly string[]) => `[${names.map((name) => JSON.stringify(name)).join(',')}]`;

/** A schema failure at a JSON pointer: the validator's sentence, and where. */
function schemaFailure(pointer: string, sentence: string): never {
  throw lifecyclePolicyInvalid(`${sentence} (at ${pointer === '' ? '/' : pointer})`);
}

function requireType(value: unknown, allowed: string, pointer: string): void {
  const found = jsonType(value);
  if (found === allowed || (allowed === 'number' && found === 'integer')) return;
  schemaFailure(
    pointer,
    `instance type (${found}) does not match any allowed primitive type (allowed: ["${allowed}"])`,
  );
}

/** Checks an object's members: the required ones present, no others than `allowed`. */
function requireObject(
  value: unknown,
  pointer: string,
  required: readonly string[],
  optional: readonly string[],
): Record<string, unknown> {
  requireType(value, 'object', pointer);
  const object = value as Record<string, unknown>;
  const missing = required.filter((name) => !Object.hasOwn(object, name));
  if (missing.length > 0)
    schemaFailure(pointer, `object has missing required properties (${quoted(missing)})`);
  const known = new Set([...required, ...optional]);
  const unknown = Object.keys(object).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    schemaFailure(
      pointer,
      `object instance has properties which are not allowed by the schema: ${quoted(unknown)}`,
    );
  }
  return object;
}

function requireEnum<T extends string>(value: unknown, allowed: readonly T[], pointer: string): T {
  requireType(value, 'string', pointer);
  if (!allowed.includes(value as T)) {
    schemaFailure(
      pointer,
      `instance value (${JSON.stringify(value)}) not found in enum (possible values: ${quoted(allowed)})`,
    );
  }
  return value as T;
}

function requireInteger(value: unknown, minimum: number, pointer: string): number {
  requireType(value, 'integer', pointer);
  if ((value as number) < minimum) {
    schemaFailure(
      pointer,
      `numeric instance is lower than the required minimum (minimum: ${minimum}, found: ${value})`,
    );
  }
  return value as number;
}

function requireArray(value: unknown, pointer: string, min: number, max: number): unknown[] {
  requireType(value, 'array', pointer);
  const array = value as unknown[];
  if (array.length < min) {
    schemaFailure(
      pointer,
      `array is too short: must have at least ${min} elements but instance has ${array.length} elements`,
    );
  }
  if (array.length > max) {
    schemaFailure(
      pointer,
      `array is too long: must have at most ${max} elements but instance has ${array.length} elements`,
    );
  }
  return array;
}

function requireTagList(value: unknown, pointer: string): string[] {
  return requireArray(value, pointer, 1, Number.MAX_SAFE_INTEGER).map((item, index) => {
    requireType(item, 'string', `${pointer}/${index}`);
    if ((item as string).length === 0) {
      schemaFailure(`${pointer}/${index}`, 'string "" is too short (length: 0, required minimum: 1)');
    }
    return item as string;
  });
}

/** Archive storage is ECR's; edgecr keeps every image in one class, so these are refused by name. */
const NOT_OFFERED =
  'is not offered by this registry: it has no archive storage class, so the only action is "expire"';

function readSelection(value: unknown, pointer: string): LifecycleRule['selection'] {
  const selection = requireObject(
    value,
    pointer,
    ['tagStatus', 'countType', 'countNumber'],
    ['tagPrefixList', 'tagPatternList', 'countUnit', 'storageClass'],
  );
  if (selection.storageClass !== undefined)
    throw lifecyclePolicyInvalid(`selection.storageClass ${NOT_OFFERED}`);
  if (selection.countType === 'sinceImageTransitioned') {
    throw lifecyclePolicyInvalid(`countType "sinceImageTransitioned" ${NOT_OFFERED}`);
  }
  const tagStatus = requireEnum(selection.tagStatus, ['tagged', 'untagged', 'any'], `${pointer}/tagStatus`);
  const countType = requireEnum(
    selection.countType,
    ['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled'],
    `${pointer}/countType`,
  );
  const countNumber = requireInteger(selection.countNumber, 1, `${pointer}/countNumber`);
  const result: LifecycleRule['selection'] = { tagStatus, countType, countNumber };
  if (selection.countUnit !== undefined) {
    result.countUnit = requireEnum(selection.countUnit, ['days'] as const, `${pointer}/countUnit`);
  }
  if (selection.tagPrefixList !== undefined) {
    result.tagPrefixList = requireTagList(selection.tagPrefixList, `${pointer}/tagPrefixList`);
  }
  if (selection.tagPatternList !== undefined) {
    result.tagPatternList = requireTagList(selection.tagPatternList, `${pointer}/tagPatternList`);
  }
  return result;
}

function readRule(value: unknown, pointer: string): LifecycleRule {
  const rule = requireObject(value, pointer, ['rulePriority', 'selection', 'action'], ['description']);
  const action = requireObject(rule.action, `${pointer}/action`, ['type'], ['targetStorageClass']);
  if (action.type === 'transition' || action.targetStorageClass !== undefined) {
    throw lifecyclePolicyInvalid(`action type "transition" ${NOT_OFFERED}`);
  }
  const read: LifecycleRule = {
    rulePriority: requireInteger(rule.rulePriority, 1, `${pointer}/rulePriority`),
    selection: readSelection(rule.selection, `${pointer}/selection`),
    action: { type: requireEnum(action.type, ['expire'], `${pointer}/action/type`) },
  };
  if (rule.description !== undefined) {
    requireType(rule.description, 'string', `${pointer}/description`);
    read.description = rule.description as string;
  }
  return read;
}

/** The rules within one rule: which tag lists go with which status, which unit with which count. */
function checkRule({ rulePriority, selection }: LifecycleRule): void {
  const at = `rule with rulePriority ${rulePriority}`;
  const lists = [selection.tagPrefixList, selection.tagPatternList].filter((list) => list !== undefined);
  if (lists.length > 1) {
    throw lifecyclePolicyInvalid(`${at}: tagPrefixList and tagPatternList cannot both be specified`);
  }
  if (selection.tagStatus === 'tagged' && lists.length === 0) {
    throw lifecyclePolicyInvalid(`${at}: tagStatus "tagged" requires a tagPrefixList or a tagPatternList`);
  }
  if (selection.tagStatus !== 'tagged' && lists.length > 0) {
    throw lifecyclePolicyInvalid(
      `${at}: tagPrefixList and tagPatternList are only allowed with tagStatus "tagged"`,
    );
  }
  for (const pattern of selection.tagPatternList ?? []) {
    if (pattern.split('*').length - 1 > MAX_PATTERN_WILDCARDS) {
      throw lifecyclePolicyInvalid(
        `${at}: tag pattern "${pattern}" has more than ${MAX_PATTERN_WILDCARDS} wildcards (*)`,
      );
    }
  }
  const timed = selection.countType !== 'imageCountMoreThan';
  if (timed && selection.countUnit === undefined) {
    throw lifecyclePolicyInvalid(`${at}: countType "${selection.countType}" requires countUnit "days"`);
  }
  if (!timed && selection.countUnit !== undefined) {
    throw lifecyclePolicyInvalid(`${at}: countUnit is not allowed with countType "imageCountMoreThan"`);
  }
}

/** The rules between rules. `rules` are in priority order. */
function checkRules(rules: LifecycleRule[]): void {
  for (let i = 1; i < rules.length; i++) {
    const priority = (rules[i] as LifecycleRule).rulePriority;
    if ((rules[i - 1] as LifecycleRule).rulePriority === priority) {
      throw lifecyclePolicyInvalid(
        `rulePriority ${priority} is used by more than one rule; priorities must be unique`,
      );
    }
  }
  if (rules.filter((rule) => rule.selection.tagStatus === 'untagged').length > 1) {
    throw lifecyclePolicyInvalid('only one rule may have tagStatus "untagged"');
  }
  const anyIndex = rules.findIndex((rule) => rule.selection.tagStatus === 'any');
  if (anyIndex !== -1 && anyIndex !== rules.length - 1) {
    throw lifecyclePolicyInvalid(
      'a rule with tagStatus "any" must have the highest rulePriority of the policy',
    );
  }
}

/**
 * Reads a lifecycle policy's text and checks every rule ECR checks.
 * @throws EcrError `InvalidParameterException` "… 'Lifecycle policy validation failure: …'" naming the first
 *   failure found.
 * @example
 * const policy = parseLifecyclePolicy('{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged",' +
 *   '"countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}');
 */
export function parseLifecyclePolicy(text: string): LifecyclePolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw lifecyclePolicyInvalid('the policy text is not valid JSON');
  }
  const policy = requireObject(parsed, '', ['rules'], []);
  const rules = requireArray(policy.rules, '/rules', 1, MAX_LIFECYCLE_RULES)
    .map((rule, index) => readRule(rule, `/rules/${index}`))
    .sort((a, b) => a.rulePriority - b.rulePriority);
  for (const rule of rules) checkRule(rule);
  checkRules(rules);
  return { rules };
}
