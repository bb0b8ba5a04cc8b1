import { EcrError, ERRORS, type ErrorCode } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  NetworkError,
  RequestTimeoutError,
  retryDecision,
  retryReason,
  sleep,
} from '../src/index.ts';

const policy = DEFAULT_RETRY_POLICY;

describe('retryReason', () => {
  it.each([
    ['a network failure', new NetworkError('reset'), 'network'],
    ['a timeout', new RequestTimeoutError(1000), 'timeout'],
    ['ServerException (500)', new EcrError('ServerException', 'x'), 'server'],
    ['any 5xx, code unknown', new EcrError('UnknownError', 'bad gateway', { status: 502 }), 'server'],
    ['ThrottlingException, sent as a 400', new EcrError('ThrottlingException', 'x'), 'throttled'],
    ['HTTP 429', new EcrError('TooManyRequests', 'x', { status: 429 }), 'throttled'],
    ['InternalFailure (500)', new EcrError('InternalFailure', 'x'), 'server'],
    ['HTTP 408', new EcrError('UnknownError', 'x', { status: 408 }), 'timeout'],
  ])('retries %s', (_name, error, reason) => {
    expect(retryReason(error, policy)).toBe(reason);
  });

  it.each([
    ['RepositoryNotFoundException', new EcrError('RepositoryNotFoundException', 'x')],
    ['InvalidSignatureException (403)', new EcrError('InvalidSignatureException', 'x')],
    ['UnrecognizedClientException', new EcrError('UnrecognizedClientException', 'x')],
    ['InvalidLayerPartException', new EcrError('InvalidLayerPartException', 'x')],
    ['LimitExceededException', new EcrError('LimitExceededException', 'x')],
    ['an unknown 404', new EcrError('UnknownError', 'x', { status: 404 })],
    ['a programming error', new TypeError('x is undefined')],
  ])('does not retry %s', (_name, error) => {
    expect(retryReason(error, policy)).toBeNull();
  });

  it('retries exactly the ECR codes the protocol error table marks retryable', () => {
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      const expected = { throttling: 'throttled', transient: 'server', false: null }[`${ERRORS[code].retry}`];
      expect([code, retryReason(new EcrError(code, 'x'), policy)]).toEqual([code, expected]);
    }
  });
});

describe('retryDecision', () => {
  it('waits the delays of the policy in turn, then gives up', () => {
    const error = new NetworkError('x');
    const delays = policy.delaysMs.map((_, n) => retryDecision(error, n, policy, () => 0));
    expect(delays.map((d) => (d.retry ? d.delayMs : -1))).toEqual([0, 1_000, 3_000, 5_000, 10_000, 20_000]);
    expect(retryDecision(error, policy.delaysMs.length, policy, () => 0)).toEqual({
      retry: false,
      reason: 'network',
    });
  });

  it('adds up to `jitter` of each delay', () => {
    const error = new NetworkError('x');
    expect(retryDecision(error, 2, policy, () => 0.999_999)).toMatchObject({ delayMs: 3_600 });
    expect(retryDecision(error, 2, policy, () => 0.5)).toMatchObject({ delayMs: 3_300 });
    expect(retryDecision(error, 0, policy, () => 0.9)).toMatchObject({ delayMs: 0 });
  });

  it('never retries what is not retryable, whatever the count', () => {
    expect(retryDecision(new EcrError('AccessDeniedException', 'x'), 0, policy)).toEqual({
      retry: false,
      reason: null,
    });
  });
});

describe('sleep', () => {
  it('waits, and rejects with the abort reason at once', async () => {
    const started = performance.now();
    await sleep(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('paused'));
    await expect(waiting).rejects.toThrow('paused');
    await expect(sleep(1, controller.signal)).rejects.toThrow('paused');
  });
});
