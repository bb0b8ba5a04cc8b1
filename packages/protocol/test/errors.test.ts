// The error table against the model, and the AWS JSON 1.1 error wire form in both directions.
import fc from 'fast-check';
import { describe, expect, expectTypeOf, test } from 'vitest';
import {
  decodeError,
  EcrError,
  ERRORS,
  type ErrorCode,
  type ErrorFields,
  encodeError,
  errorResponse,
  errorSpec,
} from '../src/index.ts';
import { model, operationNames, shape } from './model.ts';

const modelErrorNames = [
  ...new Set(operationNames.flatMap((op) => model.operations[op].errors.map((e) => e.shape))),
];

const PROTOCOL_ERRORS = {
  SerializationException: 400,
  UnknownOperationException: 400,
  MissingAuthenticationTokenException: 403,
  UnrecognizedClientException: 403,
  InvalidSignatureException: 403,
  IncompleteSignatureException: 400,
  AccessDeniedException: 400,
  ThrottlingException: 400,
  InternalFailure: 500,
  RequestEntityTooLargeException: 413,
} as const;

/** Sample values for the extra members of error shapes, by member name. */
const SAMPLE_FIELDS: Record<string, unknown> = {
  registryId: '123456789012',
  repositoryName: 'team/app',
  uploadId: '0c1f0b8e-8b5f-4a58-9d8b-5f3f6c9e2a11',
  lastValidByteReceived: 5242879,
  kmsError: 'KMS.DisabledException',
};

describe('ERRORS table', () => {
  test('holds exactly the model errors of the modelled operations and the protocol errors', () => {
    expect(new Set(Object.keys(ERRORS))).toEqual(
      new Set([...modelErrorNames, ...Object.keys(PROTOCOL_ERRORS)]),
    );
    expect(modelErrorNames).toHaveLength(38);
  });

  test.each(modelErrorNames)('%s has the model status, fault and members', (name) => {
    const s = shape(name);
    const spec = ERRORS[name as ErrorCode];
    expect(s.exception).toBe(true);
    expect(spec.status).toBe(s.error?.httpStatusCode ?? (s.fault ? 500 : 400));
    expect(spec.fault).toBe(s.fault ? 'server' : 'client');
    expect([...spec.fields].sort()).toEqual(
      Object.keys(s.members ?? {})
        .filter((m) => m !== 'message')
        .sort(),
    );
  });

  test.each(Object.entries(PROTOCOL_ERRORS))('%s is sent with %i', (code, status) => {
    const spec = ERRORS[code as ErrorCode];
    expect(spec.status).toBe(status);
    expect(spec.fault).toBe(status >= 500 ? 'server' : 'client');
    expect(spec.fields).toEqual([]);
  });

  test('the members named in the brief are there', () => {
    expect(ERRORS.InvalidLayerPartException.fields).toEqual([
      'registryId',
      'repositoryName',
      'uploadId',
      'lastValidByteReceived',
    ]);
    expect(ERRORS.KmsException.fields).toEqual(['kmsError']);
    expect(ERRORS.ServerException).toMatchObject({ status: 500, fault: 'server' });
  });

  test('says which codes a client may retry, as the AWS SDKs do', () => {
    const retryable = Object.entries(ERRORS).filter(([, spec]) => spec.retry !== false);
    expect(Object.fromEntries(retryable.map(([code, spec]) => [code, spec.retry]))).toEqual({
      ServerException: 'transient',
      InternalFailure: 'transient',
      ThrottlingException: 'throttling',
    });
    // Every server fault is retryable; a client fault only when it is throttling.
    for (const spec of Object.values(ERRORS)) {
      expect(spec.retry === 'transient').toBe(spec.fault === 'server');
    }
    expect(errorSpec('SlowDown')).toBeUndefined();
  });
});

describe('EcrError', () => {
  test('carries the table attributes, the code as name, and the cause', () => {
    const cause = new Error('R2 said no');
    const error = new EcrError('ServerException', 'Internal error', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'ServerException',
      code: 'ServerException',
      status: 500,
      fault: 'server',
    });
    expect(error.message).toBe('Internal error');
    expect(error.cause).toBe(cause);
    expect(error.fields).toEqual({});
  });

  test('a code outside the table keeps the status it is given', () => {
    const error = new EcrError('ResourceNotFoundException', 'no', { status: 400 });
    expect(error).toMatchObject({ code: 'ResourceNotFoundException', status: 400, fault: 'client' });
    expect(new EcrError('ServiceUnavailableException', 'later', { status: 503 }).fault).toBe('server');
  });

  test('types fields per code and rejects misspelt codes', () => {
    const error = new EcrError('InvalidLayerPartException', 'out of order', {
      fields: { lastValidByteReceived: 9 },
    });
    expectTypeOf(error.fields.lastValidByteReceived).toEqualTypeOf<number | undefined>();
    expectTypeOf<ErrorFields<'KmsException'>>().toEqualTypeOf<{ kmsError?: string }>();
    // @ts-expect-error a code outside ERRORS must state its status, so a typo does not compile
    void new EcrError('RepositoryNotFound', 'typo');
    // @ts-expect-error KmsException has no such member
    void new EcrError('KmsException', 'x', { fields: { lastValidByteReceived: 1 } });
  });
});

describe('encodeError', () => {
  test('produces the AWS JSON 1.1 wire form', () => {
    const error = new EcrError('InvalidLayerPartException', 'Part out of order', {
      fields: { uploadId: 'u', lastValidByteReceived: 41 },
    });
    expect(encodeError(error, 'req-1')).toEqual({
      status: 400,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-ErrorType': 'InvalidLayerPartException',
        'x-amzn-RequestId': 'req-1',
      },
      body: '{"__type":"InvalidLayerPartException","message":"Part out of order","uploadId":"u","lastValidByteReceived":41}',
    });
  });

  test('omits the request id header when there is none', () => {
    const { headers } = encodeError(new EcrError('UploadNotFoundException', 'gone'));
    expect(Object.keys(headers)).toEqual(['content-type', 'x-amzn-ErrorType']);
  });

  test('turns anything else into a ServerException that reveals nothing', () => {
    const encoded = encodeError(new TypeError('secret bucket name'));
    expect(encoded.status).toBe(500);
    expect(JSON.parse(encoded.body)).toEqual({ __type: 'ServerException', message: 'Internal server error' });
  });

  test('errorResponse is a Response with the same parts', async () => {
    const response = errorResponse(new EcrError('RepositoryNotFoundException', 'no repo'), 'req-2');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-errortype')).toBe('RepositoryNotFoundException');
    expect(response.headers.get('x-amzn-requestid')).toBe('req-2');
    expect(await response.json()).toEqual({ __type: 'RepositoryNotFoundException', message: 'no repo' });
  });
});

describe('decodeError', () => {
  test.each(Object.keys(ERRORS) as ErrorCode[])('%s survives encode then decode', (code) => {
    const spec = ERRORS[code];
    const fields = Object.fromEntries(spec.fields.map((name) => [name, SAMPLE_FIELDS[name]]));
    const original = new EcrError(code as 'ServerException', `about ${code}`, { fields });
    const { status, headers, body } = encodeError(original, 'id');
    const decoded = decodeError(status, headers, body);
    expect(decoded).toBeInstanceOf(EcrError);
    expect(decoded).toMatchObject({
      code,
      status: spec.status,
      fault: spec.fault,
      message: `about ${code}`,
      fields,
    });
  });

  test('any message and fields survive the round trip', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.option(fc.integer({ min: 0 }), { nil: undefined }),
        (message, lastValid) => {
          const fields = lastValid === undefined ? {} : { lastValidByteReceived: lastValid };
          const { status, headers, body } = encodeError(
            new EcrError('InvalidLayerPartException', message, { fields }),
          );
          const decoded = decodeError(status, headers, body);
          expect(decoded.message).toBe(message);
          expect(decoded.fields).toEqual(fields);
        },
      ),
    );
  });

  test('reads a namespaced __type without the header', () => {
    const body =
      '{"__type":"com.amazonaws.ecr#RepositoryNotFoundException","message":"The repository does not exist"}';
    const error = decodeError(400, {}, body);
    expect(error).toMatchObject({
      code: 'RepositoryNotFoundException',
      message: 'The repository does not exist',
    });
  });

  test('prefers the header, dropping its Coral URI suffix, and reads Message', () => {
    const headers = new Headers({
      'x-amzn-ErrorType': 'LayerAlreadyExistsException:http://internal.amazon.com/coral/com.amazonaws.ecr/',
      'x-amzn-RequestId': 'abc',
    });
    const error = decodeError(400, headers, '{"__type":"Something#Else","Message":"Layer exists"}');
    expect(error).toMatchObject({
      code: 'LayerAlreadyExistsException',
      message: 'Layer exists',
      fault: 'client',
    });
  });

  test('reads the protocol errors AWS answers from its front end', () => {
    const body =
      '{"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token is invalid."}';
    // AWS sends this one with 400 although the table says 403: the response's status wins.
    expect(decodeError(400, [['content-type', 'application/x-amz-json-1.1']], body)).toMatchObject({
      code: 'UnrecognizedClientException',
      status: 400,
    });
    expect(decodeError(400, {}, '{"code":"ThrottlingException","message":"Rate exceeded"}').code).toBe(
      'ThrottlingException',
    );
  });

  test('keeps the declared members of a known code and nothing else', () => {
    const body = JSON.stringify({
      __type: 'InvalidLayerPartException',
      message: 'bad part',
      uploadId: 'u',
      lastValidByteReceived: 7,
      noise: true,
    });
    expect(decodeError(400, {}, body).fields).toEqual({ uploadId: 'u', lastValidByteReceived: 7 });
  });

  test('keeps an unknown code as sent, with its status and members', () => {
    const body = '{"__type":"com.amazonaws.ecr#ResourceNotFoundException","message":"nope","reason":"FIELD"}';
    expect(decodeError(422, {}, body)).toMatchObject({
      code: 'ResourceNotFoundException',
      status: 422,
      fault: 'client',
      message: 'nope',
      fields: { reason: 'FIELD' },
    });
  });

  test('survives a body that is not JSON', () => {
    const error = decodeError(502, { 'content-type': 'text/html' }, '<html>Bad gateway</html>');
    expect(error).toMatchObject({ code: 'UnknownError', status: 502, fault: 'server', message: 'HTTP 502' });
    expect(decodeError(413, {}, '').code).toBe('UnknownError');
  });
});
