/**
 * How to pull an image of this registry with the common clients.
 * @module
 */

/**
 * The commands that pull `repositoryName` at `reference` (`:tag` or `@digest`) with docker, skopeo and crane.
 * Over plain HTTP (the local stack) skopeo and crane are told so; docker reads that from its own settings.
 * @example
 * pullCommands('http://127.0.0.1:8787/', 'app', ':1.0')[0].command; // 'docker pull 127.0.0.1:8787/app:1.0'
 */
export function pullCommands(
  endpoint: string,
  repositoryName: string,
  reference: string,
): { tool: string; command: string }[] {
  const url = new URL(endpoint);
  const image = `${url.host}/${repositoryName}${reference}`;
  const plain = url.protocol === 'http:';
  const file = `${repositoryName.split('/').pop()}.tar`;
  return [
    { tool: 'docker', command: `docker pull ${image}` },
    {
      tool: 'skopeo',
      command: `skopeo copy ${plain ? '--src-tls-verify=false ' : ''}docker://${image} oci-archive:${file}`,
    },
    { tool: 'crane', command: `crane pull ${plain ? '--insecure ' : ''}${image} ${file}` },
  ];
}
