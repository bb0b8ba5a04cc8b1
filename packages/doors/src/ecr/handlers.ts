import type { OperationName, Repository } from '@edgecr/protocol';
import {
  imageAlreadyExists,
  layerInaccessible,
  layerNotFound,
  pageReferrers,
  type RepositoryRecord,
  repositoryNotFound,
  repositoryOfArn,
  requireCredential,
} from '@edgecr/registry';
import { batchGetImage } from './batchGetImage.ts';
import type { EcrContext, EcrHandler } from './context.ts';

/** The wire form of a catalog record: ECR's ARN, and a URI on this endpoint's host. */
function toRepository(record: RepositoryRecord, context: EcrContext): Repository {
  const { tags: _tags, policyText: _policy, createdAt, ...rest } = record;
  const { registryId } = context.registry;
  return {
    ...rest,
    repositoryArn: `arn:aws:ecr:${context.region}:${registryId}:repository/${record.repositoryName}`,
    registryId,
    repositoryUri: `${context.host}/${record.repositoryName}`,
    createdAt,
  };
}

/** The upload an input names, in the caller's registry. */
function uploadOf(input: { repositoryName: string; uploadId: string }, context: EcrContext) {
  return {
    registryId: context.registry.registryId,
    repositoryName: input.repositoryName,
    uploadId: input.uploadId,
  };
}

/**
 * The repository a tagging operation's ARN names, in the caller's registry.
 * @throws EcrError `InvalidParameterException` for no repository ARN of this region;
 * `RepositoryNotFoundException` for one of another registry (the door refuses those keys first).
 */
function taggedRepository(resourceArn: string, context: EcrContext): string {
  const { registryId, repositoryName } = repositoryOfArn(resourceArn, context.region);
  if (registryId !== context.registry.registryId) throw repositoryNotFound(registryId, repositoryName);
  return repositoryName;
}

/**
 * Every operation of the model, each from a validated input to the registry service to ECR's output (the type
 * makes a modelled operation without a handler a compile error). Doors (the Worker's AWS JSON 1.1 endpoint, an
 * in-process endpoint in tests) validate, authorise and frame; these only map.
 */
const ECR_HANDLERS: { [Op in OperationName]: EcrHandler<Op> } = {
  async CreateRepository(input, context) {
    return { repository: toRepository(await context.registry.catalog.createRepository(input), context) };
  },

  async DescribeRepositories(input, context) {
    const page = await context.registry.catalog.describeRepositories(input);
    return {
      // A key limited to prefixes lists only what it may reach (a page may then hold fewer than maxResults);
      // repositories named were each let in by the door, by the key or by their policy.
      repositories: page.repositories
        .filter((record) => input.repositoryNames || context.reaches(record.repositoryName))
        .map((record) => toRepository(record, context)),
      ...(page.nextToken && { nextToken: page.nextToken }),
    };
  },

  async DeleteRepository(input, context) {
    const record = await context.registry.catalog.deleteRepository(
      input.repositoryName,
      input.force ?? false,
    );
    return { repository: toRepository(record, context) };
  },

  async TagResource(input, context) {
    await context.registry.catalog.tagRepository(taggedRepository(input.resourceArn, context), input.tags);
    return {};
  },

  async UntagResource(input, context) {
    await context.registry.catalog.untagRepository(
      taggedRepository(input.resourceArn, context),
      input.tagKeys,
    );
    return {};
  },

  async ListTagsForResource(input, context) {
    return {
      tags: await context.registry.catalog.repositoryTags(taggedRepository(input.resourceArn, context)),
    };
  },

  async CreateRepositoryCreationTemplate(input, context) {
    return await context.registry.catalog.createRepositoryCreationTemplate(input);
  },

  async DescribeRepositoryCreationTemplates(input, context) {
    return await context.registry.catalog.describeRepositoryCreationTemplates(input);
  },

  async UpdateRepositoryCreationTemplate(input, context) {
    return await context.registry.catalog.updateRepositoryCreationTemplate(input);
  },

  async DeleteRepositoryCreationTemplate(input, context) {
    return await context.registry.catalog.deleteRepositoryCreationTemplate(input.prefix);
  },

  async SetRepositoryPolicy(input, context) {
    return await context.registry.catalog.setRepositoryPolicy(input, context.caller);
  },

  async GetRepositoryPolicy(input, context) {
    return await context.registry.catalog.getRepositoryPolicy(input.repositoryName);
  },

  async DeleteRepositoryPolicy(input, context) {
    return await context.registry.catalog.deleteRepositoryPolicy(input.repositoryName);
  },

  async CreatePullThroughCacheRule(input, context) {
    requireCredential(input.credentialArn, context.upstreamCredentials());
    const { updatedAt: _updatedAt, ...rule } =
      await context.registry.catalog.createPullThroughCacheRule(input);
    return rule;
  },

  async DescribePullThroughCacheRules(input, context) {
    return await context.registry.catalog.describePullThroughCacheRules(input);
  },

  async UpdatePullThroughCacheRule(input, context) {
    requireCredential(input.credentialArn, context.upstreamCredentials());
    const {
      createdAt: _createdAt,
      upstreamRegistryUrl: _url,
      upstreamRegistry: _registry,
      ...rule
    } = await context.registry.catalog.updatePullThroughCacheRule(input);
    return rule;
  },

  async DeletePullThroughCacheRule(input, context) {
    const {
      updatedAt: _updatedAt,
      upstreamRegistry: _registry,
      ...rule
    } = await context.registry.catalog.deletePullThroughCacheRule(input.ecrRepositoryPrefix);
    return rule;
  },

  async ValidatePullThroughCacheRule(input, context) {
    const rule = await context.registry.catalog.pullThroughRule(input.ecrRepositoryPrefix);
    const { createdAt: _createdAt, updatedAt: _updatedAt, upstreamRegistry: _registry, ...shown } = rule;
    return { ...shown, ...(await context.pullThrough.validate(rule)) };
  },

  async DescribeRegistry(_input, context) {
    // edgecr replicates nothing: ECR's answer for a registry without replication rules.
    return { registryId: context.registry.registryId, replicationConfiguration: { rules: [] } };
  },

  async ListImageReferrers(input, context) {
    const all = await context.registry.catalog.referrers({
      repositoryName: input.repositoryName,
      digest: input.subjectId.imageDigest,
    });
    return pageReferrers(all, input);
  },

  async PutImage(input, context) {
    const { state, image } = await context.registry.catalog.putImage(input);
    // ECR's API refuses a push that changes nothing (the OCI door answers it as a success).
    if (state === 'unchanged') {
      throw imageAlreadyExists(
        image.registryId ?? '',
        input.repositoryName,
        image.imageId?.imageDigest ?? '',
        input.imageTag,
      );
    }
    return { image };
  },

  async BatchGetImage(input, context) {
    return await batchGetImage(input, context);
  },

  async DescribeImages(input, context) {
    return await context.registry.catalog.describeImages(input);
  },

  async ListImages(input, context) {
    return await context.registry.catalog.listImages(input);
  },

  async BatchDeleteImage(input, context) {
    return await context.registry.catalog.batchDeleteImage(input);
  },

  async PutImageTagMutability(input, context) {
    return await context.registry.catalog.putImageTagMutability(input);
  },

  async InitiateLayerUpload(input, context) {
    return await context.registry.initiateLayerUpload(input.repositoryName);
  },

  async UploadLayerPart(input, context) {
    const lastByteReceived = await context.registry.uploadLayerPart(
      input,
      { first: input.partFirstByte, last: input.partLastByte },
      input.layerPartBlob,
    );
    return { ...uploadOf(input, context), lastByteReceived };
  },

  async CompleteLayerUpload(input, context) {
    const layerDigest = await context.registry.completeLayerUpload(input, input.layerDigests);
    return { ...uploadOf(input, context), layerDigest };
  },

  async BatchCheckLayerAvailability(input, context) {
    return await context.registry.catalog.checkLayers(input.repositoryName, input.layerDigests);
  },

  async GetDownloadUrlForLayer(input, context) {
    const { registry } = context;
    const layer = await registry.catalog.findLayer(input.repositoryName, input.layerDigest);
    // A layer a pull-through image references and the repository lacks is fetched by the URL on first use.
    const upstream = layer
      ? null
      : await registry.catalog.upstreamBlob(input.repositoryName, input.layerDigest);
    // A miss carries no policy: asked for, so that a caller the policy denies learns nothing of the layer.
    const { policyText } = layer ?? upstream ?? (await registry.catalog.accessPolicy(input.repositoryName));
    context.admit('GetDownloadUrlForLayer', input.repositoryName, policyText);
    if (upstream) {
      const location = { repositoryName: input.repositoryName, digest: input.layerDigest };
      return { downloadUrl: await context.downloadUrl(location), layerDigest: input.layerDigest };
    }
    if (!layer) throw layerNotFound(registry.registryId, input.repositoryName, input.layerDigest);
    if (context.requireImageReference && !layer.referenced) {
      throw layerInaccessible(input.repositoryName, input.layerDigest);
    }
    const downloadUrl = await context.downloadUrl({
      repositoryName: input.repositoryName,
      digest: layer.digest,
    });
    return { downloadUrl, layerDigest: layer.digest };
  },

  async GetAuthorizationToken(_input, context) {
    return { authorizationData: await context.authorizationData() };
  },

  async PutLifecyclePolicy(input, context) {
    return await context.registry.catalog.putLifecyclePolicy(input);
  },

  async GetLifecyclePolicy(input, context) {
    return await context.registry.catalog.getLifecyclePolicy(input.repositoryName);
  },

  async DeleteLifecyclePolicy(input, context) {
    return await context.registry.catalog.deleteLifecyclePolicy(input.repositoryName);
  },

  async StartLifecyclePolicyPreview(input, context) {
    return await context.registry.catalog.startLifecyclePolicyPreview(input);
  },

  async GetLifecyclePolicyPreview(input, context) {
    return await context.registry.catalog.getLifecyclePolicyPreview(input);
  },
};

/**
 * The handler of an operation.
 * @example
 * const output = await ecrHandler('CreateRepository')({ repositoryName: 'app' }, context);
 */
export function ecrHandler<Op extends OperationName>(operation: Op): EcrHandler<Op> {
  return ECR_HANDLERS[operation] as EcrHandler<Op>;
}
