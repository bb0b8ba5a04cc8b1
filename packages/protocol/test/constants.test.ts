// The named limits are the single source of each figure for code; where the model states the figure, it
// must agree with it.
import { describe, expect, test } from 'vitest';
import {
  JSON_CONTENT_TYPE,
  MAX_IMAGE_IDS,
  MAX_IMAGE_MANIFEST_LENGTH,
  MAX_LAYER_DIGESTS,
  MAX_LAYER_PART_BYTES,
  MAX_MAX_RESULTS,
  MAX_REPOSITORY_NAME_LENGTH,
  MAX_REPOSITORY_NAMES,
  MIN_MAX_RESULTS,
  MIN_REPOSITORY_NAME_LENGTH,
  MiB,
  TARGET_PREFIX,
} from '../src/index.ts';
import { model, shape } from './model.ts';

describe('constants agree with the model', () => {
  test.each([
    ['MAX_LAYER_PART_BYTES', MAX_LAYER_PART_BYTES, shape('LayerPartBlob').max],
    ['MAX_LAYER_DIGESTS (CompleteLayerUpload)', MAX_LAYER_DIGESTS, shape('LayerDigestList').max],
    [
      'MAX_LAYER_DIGESTS (BatchCheckLayerAvailability)',
      MAX_LAYER_DIGESTS,
      shape('BatchedOperationLayerDigestList').max,
    ],
    ['MAX_IMAGE_IDS', MAX_IMAGE_IDS, shape('ImageIdentifierList').max],
    ['MAX_REPOSITORY_NAMES', MAX_REPOSITORY_NAMES, shape('RepositoryNameList').max],
    ['MIN_MAX_RESULTS', MIN_MAX_RESULTS, shape('MaxResults').min],
    ['MAX_MAX_RESULTS', MAX_MAX_RESULTS, shape('MaxResults').max],
    ['MAX_IMAGE_MANIFEST_LENGTH', MAX_IMAGE_MANIFEST_LENGTH, shape('ImageManifest').max],
    ['MIN_REPOSITORY_NAME_LENGTH', MIN_REPOSITORY_NAME_LENGTH, shape('RepositoryName').min],
    ['MAX_REPOSITORY_NAME_LENGTH', MAX_REPOSITORY_NAME_LENGTH, shape('RepositoryName').max],
  ])('%s', (_name, constant, modelValue) => {
    expect(constant).toBe(modelValue);
  });

  test('the image-id lists of BatchGetImage and DescribeImages share one shape', () => {
    expect(shape('BatchGetImageRequest').members?.imageIds?.shape).toBe('ImageIdentifierList');
    expect(shape('DescribeImagesRequest').members?.imageIds?.shape).toBe('ImageIdentifierList');
  });

  test('the documented sizes hold', () => {
    expect(MAX_LAYER_PART_BYTES).toBe(20 * MiB);
    expect(MAX_IMAGE_MANIFEST_LENGTH).toBe(4 * MiB);
  });

  test('framing constants come from the model metadata', () => {
    expect(TARGET_PREFIX).toBe(model.metadata.targetPrefix);
    expect(JSON_CONTENT_TYPE).toBe(`application/x-amz-json-${model.metadata.jsonVersion}`);
  });
});
