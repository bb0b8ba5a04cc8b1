import { EcrError } from '@edgecr/protocol';
import { parseAuthorization, SigV4Error, verifyRequest } from '@edgecr/sigv4';
import type { Settings } from '../settings.ts';
import { type AccessKey, parseCredentials } from './credentials.ts';

/** The SigV4 signing name of ECR's API. */
const SIGNING_SERVICE = 'ecr';

/** A caller whose key exists; the signature is checked once the body's hash is known. */
export interface Caller {
  key: AccessKey;
  /** Verifies the whole signature over the body whose SHA-256 (hex) is given; throws the AWS error. */
  verify(payloadHash: string): Promise<void>;
}

function fromSigV4(error: unknown): never {
  if (error instanceof SigV4Error) throw new EcrError(error.awsErrorType, error.message);
  throw error;
}

let parsedFrom: string | undefined;
let parsedKeys: Map<string, AccessKey> | undefined;

/** The keys of the `EDGECR_CREDENTIALS` secret, parsed once per isolate (and again when it changes). */
export function accessKeys(settings: Settings): Map<string, AccessKey> {
  if (!settings.credentials) {
    throw new EcrError(
      'UnrecognizedClientException',
      'This endpoint has no credentials configured: set the EDGECR_CREDENTIALS secret to allow any request',
    );
  }
  if (settings.credentials !== parsedFrom) {
    parsedKeys = parseCredentials(settings.credentials);
    parsedFrom = settings.credentials;
  }
  return parsedKeys as Map<string, AccessKey>;
}

/**
 * SigV4, as ECR checks it, in two steps: what the headers alone decide (a signature is there, well formed,
 * for a key that exists) before a byte of the body is read, then the signature itself once the body's
 * hash is known.
 * @example
 * const caller = authenticate(request, settings);
 * await caller.verify(bodySha256Hex);
 */
export function authenticate(request: Request, settings: Settings): Caller {
  const keys = accessKeys(settings);
  const header = request.headers.get('authorization');
  if (header === null) {
    throw new EcrError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  let accessKeyId: string;
  try {
    accessKeyId = parseAuthorization(header).accessKeyId;
  } catch (error) {
    fromSigV4(error);
  }
  const key = keys.get(accessKeyId);
  if (!key) {
    throw new EcrError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  return {
    key,
    async verify(payloadHash) {
      try {
        await verifyRequest(request, {
          lookupSecret: (id) => keys.get(id)?.secretAccessKey,
          service: SIGNING_SERVICE,
          payloadHash,
          ...(settings.regions && { regions: settings.regions }),
          allowUnsignedPayload: false,
        });
      } catch (error) {
        fromSigV4(error);
      }
    },
  };
}
