// The pushes of section 1: the same 256 MiB layer through both doors of the Worker, through both doors of its
// variant whose R2 part writes are discarded, and to the references, rounds interleaved.
import { Agent } from 'node:http';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { LocalStack } from '@edgecr/testkit/localStack';
import { LOCAL_CREDENTIALS } from '../test/e2e/_layers.ts';
import { boto3Push } from './boto3.ts';
import { LAYER_BYTES, PART_SIZE_BYTES, ROUNDS } from './constants.ts';
import { curlPush } from './curlPush.ts';
import { writePartFiles } from './layer.ts';
import { median, seconds } from './report.ts';

/** An ECR client of a local stack, signing with the local development key. */
export function ecrClient(stack: LocalStack): ECRClient {
  return new ECRClient({
    endpoint: stack.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    // A fresh connection per call: between calls the benchmark writes 256 MiB of part files, longer than the
    // local server keeps an idle connection on a busy machine, and a reused closed one fails (socket hang up).
    requestHandler: { httpAgent: new Agent({ keepAlive: false }) },
  });
}

/** The `Authorization` an OCI client logged in to the stack sends: Basic, with GetAuthorizationToken's token. */
async function ociLogin(ecr: ECRClient): Promise<string> {
  const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
  const token = authorizationData?.[0]?.authorizationToken;
  if (!token) throw new Error('GetAuthorizationToken returned no token');
  // The token is base64 of `AWS:<password>`: exactly the credentials part of a Basic header.
  return `Basic ${token}`;
}

/** What each push is timed against. */
export interface PushTargets {
  /** distribution's endpoint. */
  distribution: string;
  /** The OCI and ECR discard servers' endpoints. */
  ociDiscard: string;
  ecrDiscard: string;
  /** The Worker under `wrangler dev`. */
  worker: LocalStack;
  /** The same Worker with R2 part writes discarded (bench/workerd/discardParts.ts). */
  noR2: LocalStack;
}

/** Median push time of each push, in ms. */
export interface PushTimes {
  distribution: number;
  ociDiscard: number;
  ecrDiscard: number;
  ecrDoor: number;
  ociDoor: number;
  ecrDoorNoR2: number;
  ociDoorNoR2: number;
}

/**
 * Pushes one layer per round (the ECR door would otherwise answer LayerAlreadyExists) to every target, one push
 * after the other, so a busy moment on the shared machine falls on all of them alike; prints each round.
 */
export async function pushRounds(targets: PushTargets): Promise<PushTimes> {
  const stacks = [targets.worker, targets.noR2].map((stack) => ({ stack, ecr: ecrClient(stack) }));
  const [worker, noR2] = await Promise.all(
    stacks.map(async ({ stack, ecr }) => ({ stack, ecr, login: await ociLogin(ecr) })),
  );
  if (!worker || !noR2) throw new Error('two stacks expected');
  const times: { [name in keyof PushTimes]: number[] } = {
    distribution: [],
    ociDiscard: [],
    ecrDiscard: [],
    ecrDoor: [],
    ociDoor: [],
    ecrDoorNoR2: [],
    ociDoorNoR2: [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    const layer = writePartFiles(LAYER_BYTES, PART_SIZE_BYTES, 100 + round);
    try {
      // One repository per door and stack: each door pushes the same layer, which a repository holds once.
      const ecrRepository = `bench/round-${round}`;
      const ociRepository = `bench/round-${round}-oci`;
      for (const { ecr } of [worker, noR2])
        for (const repositoryName of [ecrRepository, ociRepository])
          await ecr.send(new CreateRepositoryCommand({ repositoryName }));
      times.distribution.push(await curlPush(targets.distribution, ociRepository, layer));
      times.ociDiscard.push(await curlPush(targets.ociDiscard, ociRepository, layer));
      times.ociDoor.push(await curlPush(worker.stack.endpoint, ociRepository, layer, worker.login));
      times.ociDoorNoR2.push(await curlPush(noR2.stack.endpoint, ociRepository, layer, noR2.login));
      times.ecrDiscard.push((await boto3Push(targets.ecrDiscard, ecrRepository, layer)).totalMs);
      times.ecrDoor.push((await boto3Push(worker.stack.endpoint, ecrRepository, layer)).totalMs);
      times.ecrDoorNoR2.push((await boto3Push(noR2.stack.endpoint, ecrRepository, layer)).totalMs);
    } finally {
      await layer.remove();
    }
    const last = (name: keyof PushTimes) => seconds(times[name].at(-1) as number);
    console.log(
      `  round ${round + 1}: distribution ${last('distribution')}, curl->discard ${last('ociDiscard')}, ` +
        `OCI door ${last('ociDoor')} (no R2 ${last('ociDoorNoR2')}); boto3->discard ${last('ecrDiscard')}, ` +
        `ECR door ${last('ecrDoor')} (no R2 ${last('ecrDoorNoR2')})`,
    );
  }
  return Object.fromEntries(
    Object.entries(times).map(([name, list]) => [name, median(list)]),
  ) as unknown as PushTimes;
}
