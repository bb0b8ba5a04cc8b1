/**
 * The parts of an image's view: its config summarised (platform, created, entrypoint and command, labels,
 * history), its layers with sizes and download links, an index's platforms, and the raw manifest on request.
 * @module
 */

import { describeFailure, type EcrClient } from '@edgecr/client';
import { useCallback } from 'preact/hooks';
import { formatBytes, shortDigest } from './format.ts';
import { type ImageConfig, layerLinks, readConfig } from './imageContents.ts';
import { FailureBox } from './LayerList.tsx';
import { type ChildManifest, type Descriptor, platformName } from './manifest.ts';
import { href } from './router.ts';
import { useLoad } from './useLoad.ts';

/** A command as a shell would take it (`["/bin/sh","-c","echo hi"]` → `/bin/sh -c 'echo hi'`). */
export function shellWords(words: readonly string[] | null | undefined): string {
  if (!words || words.length === 0) return '—';
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)).join(' ');
}

function ConfigTable({ config }: { config: ImageConfig }) {
  const labels = Object.entries(config.config?.Labels ?? {});
  return (
    <>
      <dl class="facts" data-testid="image-config">
        <dt>Platform</dt>
        <dd>
          {platformName(
            config.os
              ? {
                  os: config.os,
                  architecture: config.architecture ?? '',
                  ...(config.variant && { variant: config.variant }),
                }
              : undefined,
          )}
        </dd>
        <dt>Created</dt>
        <dd>{config.created ? new Date(config.created).toLocaleString() : '—'}</dd>
        <dt>Entrypoint</dt>
        <dd>
          <code>{shellWords(config.config?.Entrypoint)}</code>
        </dd>
        <dt>Command</dt>
        <dd>
          <code>{shellWords(config.config?.Cmd)}</code>
        </dd>
      </dl>
      <h3>Labels</h3>
      {labels.length === 0 ? (
        <p class="hint">No labels.</p>
      ) : (
        <dl class="facts">
          {labels.map(([key, value]) => (
            <div key={key} class="fact">
              <dt>
                <code>{key}</code>
              </dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <h3>History</h3>
      {(config.history?.length ?? 0) === 0 ? (
        <p class="hint">The config records no history.</p>
      ) : (
        <ol class="history">
          {config.history?.map((step, at) => (
            // The history is a fixed list: its order is its identity (steps have no id and never move).
            <li key={at}>
              <code>{step.created_by ?? step.comment ?? '—'}</code>
              {step.empty_layer && <span class="hint"> (no layer)</span>}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

/** The config blob of an image, summarised. */
export function ConfigSummary({
  client,
  repositoryName,
  config,
}: {
  client: EcrClient;
  repositoryName: string;
  config: Descriptor;
}) {
  const { value, error } = useLoad(
    useCallback(() => readConfig(client, repositoryName, config), [client, repositoryName, config]),
  );
  return (
    <section aria-labelledby="config-heading">
      <h3 id="config-heading">Config</h3>
      {error !== undefined && <FailureBox failure={describeFailure(error)} />}
      {!value && error === undefined && <p class="hint">Loading the config…</p>}
      {value && <ConfigTable config={value} />}
    </section>
  );
}

/** The layers, in order, each with its size and a download link. */
export function LayersTable({
  client,
  repositoryName,
  layers,
}: {
  client: EcrClient;
  repositoryName: string;
  layers: readonly Descriptor[];
}) {
  const { value: links, error } = useLoad(
    useCallback(() => layerLinks(client, repositoryName, layers), [client, repositoryName, layers]),
  );
  const total = layers.reduce((sum, layer) => sum + layer.size, 0);
  return (
    <section aria-labelledby="image-layers-heading">
      <h3 id="image-layers-heading">
        Layers ({layers.length}, {formatBytes(total)})
      </h3>
      {error !== undefined && <FailureBox failure={describeFailure(error)} />}
      {!links && error === undefined && <p class="hint">Loading the download links…</p>}
      {links && (
        <div class="table-scroll">
          <table aria-labelledby="image-layers-heading">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Digest</th>
                <th scope="col">Size</th>
                <th scope="col">Media type</th>
              </tr>
            </thead>
            <tbody>
              {links.map((layer, at) => (
                <tr key={`${at}|${layer.digest}`}>
                  <td>{at + 1}</td>
                  <td>
                    <a href={layer.url} data-testid="layer-download" data-digest={layer.digest} download>
                      Download <code>{shortDigest(layer.digest)}</code>
                    </a>
                  </td>
                  <td>{formatBytes(layer.size)}</td>
                  <td>
                    <code>{layer.mediaType}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** An index's platforms, each a link to its image. */
export function Platforms({
  repositoryName,
  manifests,
}: {
  repositoryName: string;
  manifests: readonly ChildManifest[];
}) {
  return (
    <section aria-labelledby="platforms-heading">
      <h3 id="platforms-heading">Platforms</h3>
      <ul data-testid="platforms">
        {manifests.map((child) => (
          <li key={child.digest}>
            <a href={href({ view: 'image', repositoryName, digest: child.digest })}>
              {platformName(child.platform)}
            </a>{' '}
            <code class="hint">{shortDigest(child.digest)}</code> · {formatBytes(child.size)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The manifest indented for reading; a text that is not JSON as it is. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The manifest's text, indented, behind a disclosure. */
export function RawManifest({ text }: { text: string }) {
  return (
    <details class="raw">
      <summary>Raw manifest</summary>
      <textarea
        readonly
        rows={16}
        class="raw-text"
        aria-label="The manifest as the registry holds it"
        spellcheck={false}
        data-testid="raw-manifest"
        value={pretty(text)}
      />
    </details>
  );
}
