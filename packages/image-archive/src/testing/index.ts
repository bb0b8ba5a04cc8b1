/**
 * `@edgecr/image-archive/testing`: image archives built in memory (no network, no docker), for this package's
 * tests and for the page's and the CLI's tests that push them.
 * @module
 */
export {
  type ArchiveFixture,
  asFolder,
  type DockerSaveClassicFacts,
  type DockerSaveOciFacts,
  dockerSaveClassic,
  dockerSaveOci,
  type FixtureBlob,
  type FixturePlatform,
  type LargeArchiveFacts,
  largeOciLayout,
  notATar,
  type OciLayoutFacts,
  ociLayoutTwoPlatforms,
} from './fixtures.ts';
export { buildSparseTar, buildTar, type FixtureBody, type FixtureEntry, SparseBlob } from './tarWriter.ts';
