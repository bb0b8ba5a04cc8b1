#!/usr/bin/env node
// Derives model/ecr-2015-09-21.json from botocore's ECR service model: the service metadata, the operations
// edgecr implements and every shape they reach, with the prose stripped. Run by hand when botocore is updated:
//   node scripts/vendor-model.mjs path/to/botocore/data/ecr/2015-09-21/service-2.json
// then `pnpm codegen`. Nothing reads the upstream file at build or test time.
import { readFile, writeFile } from 'node:fs/promises';

/**
 * The operations edgecr models; everything else in the upstream model is dropped. A modelled operation without
 * a handler in the registry core answers UnknownOperationException, as an unmodelled one does.
 */
const OPERATIONS = [
  'InitiateLayerUpload',
  'UploadLayerPart',
  'CompleteLayerUpload',
  'BatchCheckLayerAvailability',
  'GetDownloadUrlForLayer',
  'CreateRepository',
  'DescribeRepositories',
  'DeleteRepository',
  'PutImage',
  'BatchGetImage',
  'DescribeImages',
  'ListImages',
  'BatchDeleteImage',
  'PutImageTagMutability',
  'GetAuthorizationToken',
  // Issue 19: ECR's control plane, second half (handlers arrive one area at a time).
  'PutLifecyclePolicy',
  'GetLifecyclePolicy',
  'DeleteLifecyclePolicy',
  'StartLifecyclePolicyPreview',
  'GetLifecyclePolicyPreview',
  'SetRepositoryPolicy',
  'GetRepositoryPolicy',
  'DeleteRepositoryPolicy',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
  'CreateRepositoryCreationTemplate',
  'DescribeRepositoryCreationTemplates',
  'UpdateRepositoryCreationTemplate',
  'DeleteRepositoryCreationTemplate',
  'DescribeRegistry',
  'ListImageReferrers',
  // Issue 20: pull-through cache rules.
  'CreatePullThroughCacheRule',
  'DescribePullThroughCacheRules',
  'UpdatePullThroughCacheRule',
  'DeletePullThroughCacheRule',
  'ValidatePullThroughCacheRule',
];

/** Prose keys: large, unused by the code, and not part of the contract. */
const PROSE_KEYS = new Set(['documentation', 'deprecatedMessage']);

const OUTPUT = new URL('../model/ecr-2015-09-21.json', import.meta.url);

/**
 * Returns the subset of a botocore service model that `operations` need.
 * @param {any} upstream parsed botocore service-2.json
 * @param {readonly string[]} operations operation names to keep
 * @returns {{ metadata: object, operations: object, shapes: object }}
 * @example
 * const subset = subsetModel(JSON.parse(text), ['PutImage']);
 */
function subsetModel(upstream, operations) {
  const shapeNames = new Set();
  const reach = (name) => {
    if (shapeNames.has(name)) return;
    const shape = upstream.shapes[name];
    if (shape === undefined) throw new Error(`shape ${name} is referenced but not defined`);
    shapeNames.add(name);
    for (const ref of [shape.member, shape.key, shape.value, ...Object.values(shape.members ?? {})]) {
      if (ref !== undefined) reach(ref.shape);
    }
  };

  const keptOperations = {};
  // Upstream order (alphabetical) keeps diffs small when botocore changes.
  for (const name of Object.keys(upstream.operations).filter((op) => operations.includes(op))) {
    const { http, input, output, errors = [] } = upstream.operations[name];
    keptOperations[name] = { name, http, input, output, errors };
    for (const ref of [input, output, ...errors]) if (ref !== undefined) reach(ref.shape);
  }
  const missing = operations.filter((op) => !(op in keptOperations));
  if (missing.length > 0) throw new Error(`operations missing upstream: ${missing.join(', ')}`);

  const shapes = Object.fromEntries(Object.entries(upstream.shapes).filter(([name]) => shapeNames.has(name)));
  return stripProse({ metadata: upstream.metadata, operations: keptOperations, shapes });
}

function stripProse(value) {
  if (Array.isArray(value)) return value.map(stripProse);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !PROSE_KEYS.has(key))
      .map(([key, inner]) => [key, stripProse(inner)]),
  );
}

if (import.meta.filename === globalThis.process?.argv?.[1]) {
  const source = process.argv[2];
  if (source === undefined) {
    console.error('usage: node scripts/vendor-model.mjs <botocore ecr service-2.json>');
    process.exit(2);
  }
  const subset = subsetModel(JSON.parse(await readFile(source, 'utf8')), OPERATIONS);
  await writeFile(OUTPUT, `${JSON.stringify(subset, null, 2)}\n`);
  const counts = `${Object.keys(subset.operations).length} operations, ${Object.keys(subset.shapes).length} shapes`;
  console.log(`wrote ${OUTPUT.pathname} (${counts})`);
}
