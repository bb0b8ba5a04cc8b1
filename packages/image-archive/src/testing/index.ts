/**
 * `@edgecr/image-archive/testing`: image archives built in memory (no network, no docker), for this package's
 * tests and for the page's and the CLI's tests that push them.
 * @module
 */
export {
  type DockerSaveClassicFacts,
  type DockerSaveOciFacts,
  dockerSaveClassic,
  dockerSaveOci,
} from './dockerFixtures.ts';
export { type ArchiveFixture, asFolder, type FixtureBlob } from './fixtureBlobs.ts';
export {
  type OneLayerFacts,
  ociLayoutOneLayer,
  type StreamedLayer,
  type StreamedLayoutFacts,
  streamOciLayout,
} from './layerImage.ts';
export {
  type FixturePlatform,
  type LargeArchiveFacts,
  largeOciLayout,
  notATar,
  type OciLayoutFacts,
  ociLayoutTwoPlatforms,
} from './ociFixtures.ts';
export { buildSparseTar, buildTar, type FixtureBody, type FixtureEntry, SparseBlob } from './tarWriter.ts';
