/**
 * The lifecycle policy the end-to-end tests of the Worker, the CLI and the page set: keep the newest untagged
 * image and the newest release (`v*`); an image of neither kind stays. Its rules are described as
 * "one untagged image" and "one release", which the tests read back.
 * @module
 */

/** The policy's text, as PutLifecyclePolicy takes it. */
export const KEEP_ONE_UNTAGGED_AND_ONE_RELEASE = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'one untagged image',
      selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      description: 'one release',
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['v*'],
        countType: 'imageCountMoreThan',
        countNumber: 1,
      },
      action: { type: 'expire' },
    },
  ],
});
