// X-Amz-Target, content type, client request framing and epoch-second timestamps.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decodeBase64,
  EcrError,
  encodeRequest,
  formatTarget,
  fromEpochSeconds,
  isJsonContentType,
  OPERATIONS,
  parseTarget,
  TARGET_HEADER,
  toEpochSeconds,
  validateRequest,
} from '../src/index.ts';
import { operationNames } from './model.ts';

const UPLOAD_ID = '0c1f0b8e-8b5f-4a58-9d8b-5f3f6c9e2a11';

function unknownOperation(header: string | null): EcrError<string> {
  try {
    parseTarget(header);
  } catch (error) {
    if (error instanceof EcrError) return error;
    throw error;
  }
  throw new Error(`parseTarget accepted ${header}`);
}

describe('targets', () => {
  test('OPERATIONS lists the 37 operations of the model, in its order', () => {
    expect(OPERATIONS).toEqual(operationNames);
    expect(OPERATIONS).toHaveLength(37);
    expect(Object.isFrozen(OPERATIONS)).toBe(true);
  });

  test.each(operationNames)('%s round-trips through formatTarget and parseTarget', (op) => {
    expect(formatTarget(op)).toBe(`AmazonEC2ContainerRegistry_V20150921.${op}`);
    expect(parseTarget(formatTarget(op))).toBe(op);
  });

  test.each([
    [null, 'Missing X-Amz-Target header'],
    ['', 'Missing X-Amz-Target header'],
    ['AmazonEC2ContainerRegistry_V20150921.PutRegistryPolicy', 'Unknown operation'],
    ['AmazonEC2ContainerRegistry_V20150921.putimage', 'Unknown operation'],
    ['AmazonEC2ContainerRegistry_V20150921.', 'Unknown operation'],
    ['AmazonEC2ContainerRegistry_V20150921', 'Unknown operation'],
    ['AmazonEC2ContainerRegistry_V20150921.__proto__', 'Unknown operation'],
    ['DynamoDB_20120810.PutImage', 'Unknown operation'],
    ['PutImage', 'Unknown operation'],
    ['AmazonEC2ContainerRegistry_V20150921XPutImage', 'Unknown operation'],
  ])('rejects %j', (header, message) => {
    const error = unknownOperation(header);
    expect(error).toMatchObject({ code: 'UnknownOperationException', status: 400 });
    expect(error.message).toContain(message);
  });
});

describe('isJsonContentType', () => {
  test.each([
    ['application/x-amz-json-1.1', true],
    ['application/x-amz-json-1.1; charset=utf-8', true],
    ['Application/X-Amz-JSON-1.1 ;charset=UTF-8', true],
    [' application/x-amz-json-1.1 ', true],
    ['application/json', false],
    ['application/x-amz-json-1.0', false],
    ['application/x-amz-json-1.10', false],
    ['text/plain', false],
    ['', false],
    [null, false],
  ])('%j → %s', (value, expected) => {
    expect(isJsonContentType(value)).toBe(expected);
  });
});

describe('encodeRequest', () => {
  test('frames headers and a JSON body', () => {
    const { headers, body } = encodeRequest('InitiateLayerUpload', { repositoryName: 'team/app' });
    expect(headers).toEqual({
      'content-type': 'application/x-amz-json-1.1',
      [TARGET_HEADER]: 'AmazonEC2ContainerRegistry_V20150921.InitiateLayerUpload',
    });
    expect(JSON.parse(body)).toEqual({ repositoryName: 'team/app' });
  });

  test('sends blob bytes as base64 that the server side validates and decodes back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (part) => {
        const { headers, body } = encodeRequest('UploadLayerPart', {
          repositoryName: 'app',
          uploadId: UPLOAD_ID,
          partFirstByte: 0,
          partLastByte: Math.max(part.length - 1, 0),
          layerPartBlob: part,
        });
        const op = parseTarget(headers[TARGET_HEADER] ?? null);
        expect(op).toBe('UploadLayerPart');
        const input = validateRequest('UploadLayerPart', JSON.parse(body));
        expect(typeof input.layerPartBlob).toBe('string');
        expect(decodeBase64(input.layerPartBlob as string)).toEqual(part);
      }),
    );
  });
});

describe('epoch seconds', () => {
  test('keeps milliseconds as a fraction', () => {
    expect(toEpochSeconds(new Date('2024-01-01T00:00:00.250Z'))).toBe(1704067200.25);
    expect(fromEpochSeconds(1704067200.25).toISOString()).toBe('2024-01-01T00:00:00.250Z');
  });

  // Epoch seconds are a double: beyond a few hundred thousand years a millisecond is no longer representable
  // as a fraction of a second (the Date range reaches ±275,760 years), so the property covers years 1–9999.
  test('round-trips every millisecond date of years 1 to 9999', () => {
    const range = { min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z') };
    fc.assert(
      fc.property(fc.date({ ...range, noInvalidDate: true }), (date) => {
        expect(fromEpochSeconds(toEpochSeconds(date)).getTime()).toBe(date.getTime());
      }),
    );
  });

  test('rejects what is not a time', () => {
    expect(() => toEpochSeconds(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => fromEpochSeconds(Number.NaN)).toThrow(RangeError);
    expect(() => fromEpochSeconds(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => fromEpochSeconds(1e20)).toThrow(RangeError);
  });
});
