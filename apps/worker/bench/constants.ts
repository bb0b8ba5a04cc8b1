// The benchmark's sizes and knobs (one home each).
import { MAX_LAYER_PART_BYTES, MiB } from '@edgecr/protocol';

/** The layer pushed through every door and reference. */
export const LAYER_BYTES = 256 * MiB;
/** Client part size: ECR's largest (20 MiB), the size boto3 users and the targets use. */
export const PART_SIZE_BYTES = MAX_LAYER_PART_BYTES;
/** Rounds per figure (medians); `BENCH_ROUNDS` changes it. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Set `BENCH_QUICK=1` to skip the 512 MiB and 1 GiB checks of the ECR door. */
export const QUICK = process.env.BENCH_QUICK === '1';
