// The Worker as the fault tests run it: the production entry and objects, with their R2 binding behind the
// fault schedule (_r2Faults.ts). Nothing here is deployed; vitest.config.ts names it the main module of the
// `faults` project only.
import worker, {
  LayerUpload as ProductionLayerUpload,
  Registry as ProductionRegistry,
} from '../../src/index.ts';
import { faultyEnv } from './_r2Faults.ts';

/** The Registry object; a reset fault aborts it as a deploy or an eviction would. */
export class Registry extends ProductionRegistry {
  constructor(ctx: DurableObjectState, env: Env) {
    super(
      ctx,
      faultyEnv(env, 'Registry', () => ctx.abort('injected fault: object reset')),
    );
  }
}

/** A LayerUpload object; a reset fault aborts it. */
export class LayerUpload extends ProductionLayerUpload {
  constructor(ctx: DurableObjectState, env: Env) {
    super(
      ctx,
      faultyEnv(env, 'LayerUpload', () => ctx.abort('injected fault: object reset')),
    );
  }
}

export default {
  fetch: (request, env, context) => worker.fetch(request, faultyEnv(env, 'worker'), context),
} satisfies ExportedHandler<Env>;
