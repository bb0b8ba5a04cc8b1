// Runs real OCI clients (skopeo, crane, oras) and the OCI distribution-spec conformance suite against a
// registry on plain http at 127.0.0.1, with or without credentials, each isolated from the user's own
// client configuration. `scripts/install-test-tools.sh` installs them (skopeo from apt, the rest built
// into `.tools/bin`).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `scripts/install-test-tools.sh` builds the Go tools. */
export const TOOLS_BIN = fileURLToPath(new URL('../../../.tools/bin/', import.meta.url));

/** A registry to talk to: `host` is `127.0.0.1:<port>`; credentials are sent as HTTP Basic when given. */
export interface RegistryTarget {
  host: string;
  username?: string;
  password?: string;
}

/** What a tool printed and how it exited. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A private folder per process for the clients' configuration, so no test reads or writes `~`. */
const HOME = mkdtempSync(join(tmpdir(), 'edgecr-oci-clients-'));
process.once('exit', () => rmSync(HOME, { recursive: true, force: true }));

/** The image trust policy skopeo insists on: accept anything, the tests check digests themselves. */
const SKOPEO_POLICY = join(HOME, 'policy.json');
writeFileSync(SKOPEO_POLICY, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));

function toolPath(name: 'crane' | 'oras' | 'conformance'): string {
  const path = join(TOOLS_BIN, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/install-test-tools.sh`);
  return path;
}

/**
 * Runs `command` and collects its output. Rejects when it exits non-zero, with both streams in the message,
 * unless `allowFailure` (then the caller reads `code`).
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; allowFailure?: boolean; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, HOME, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 300_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const result = { code: code ?? 128, stdout, stderr };
      if (result.code === 0 || options.allowFailure) resolve(result);
      else {
        const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
        reject(new Error(`${command} ${args.join(' ')} ${how}\n${stdout}\n${stderr}`));
      }
    });
  });
}

function creds(registry: RegistryTarget): string | undefined {
  return registry.username === undefined ? undefined : `${registry.username}:${registry.password ?? ''}`;
}

/**
 * skopeo's flags for one side of a transfer: `src`/`dest` for `copy`, none for `inspect` and `list-tags`.
 * `--tls-verify=false` is what makes skopeo speak plain http to the registry.
 */
function skopeoFlags(registry: RegistryTarget, side: 'src-' | 'dest-' | ''): string[] {
  const userPass = creds(registry);
  return [`--${side}tls-verify=false`, ...(userPass ? [`--${side}creds=${userPass}`] : [])];
}

/** The environment that keeps skopeo off the user's auth file. */
const SKOPEO_ENV = { REGISTRY_AUTH_FILE: join(HOME, 'containers-auth.json') };

/**
 * `skopeo copy --all` between two image references (`oci:<dir>:<tag>`, `docker://<host>/<repo>:<tag>`),
 * giving the registry flags to whichever side is a registry. `--all` copies an index with every platform.
 */
export function skopeoCopy(
  source: string,
  destination: string,
  registries: { src?: RegistryTarget; dest?: RegistryTarget },
): Promise<ToolResult> {
  const args = ['--policy', SKOPEO_POLICY, 'copy', '--all', '--preserve-digests'];
  if (registries.src) args.push(...skopeoFlags(registries.src, 'src-'));
  if (registries.dest) args.push(...skopeoFlags(registries.dest, 'dest-'));
  return runTool('skopeo', [...args, source, destination], { env: SKOPEO_ENV });
}

/** `skopeo inspect --raw` of `docker://<host>/<repository>:<tag or @digest>`: the manifest bytes as served. */
export async function skopeoRawManifest(registry: RegistryTarget, reference: string): Promise<string> {
  const args = ['inspect', '--raw', ...skopeoFlags(registry, ''), `docker://${registry.host}/${reference}`];
  return (await runTool('skopeo', args, { env: SKOPEO_ENV })).stdout;
}

/** `skopeo list-tags`: the tags of a repository. */
export async function skopeoListTags(registry: RegistryTarget, repository: string): Promise<string[]> {
  const args = ['list-tags', ...skopeoFlags(registry, ''), `docker://${registry.host}/${repository}`];
  const { stdout } = await runTool('skopeo', args, { env: SKOPEO_ENV });
  return (JSON.parse(stdout) as { Tags: string[] }).Tags;
}

/**
 * Runs `crane --insecure <args>` (plain http to the registry). crane has no credential flags: it reads a
 * docker config, so one naming only this registry is written to a private `DOCKER_CONFIG`.
 */
export function crane(registry: RegistryTarget, args: readonly string[]): Promise<ToolResult> {
  const userPass = creds(registry);
  const dockerConfig = join(HOME, `docker-${registry.host.replace(/\W/g, '-')}`);
  mkdirSync(dockerConfig, { recursive: true });
  const auths = userPass ? { [registry.host]: { auth: btoa(userPass) } } : {};
  writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths }));
  return runTool(toolPath('crane'), ['--insecure', ...args], { env: { DOCKER_CONFIG: dockerConfig } });
}

/**
 * Runs `oras <subcommand> --plain-http [-u -p] <args>` (`subcommand` may be two words, `repo tags`) against the registry, with a private registry
 * config so the user's logins are neither read nor written. Files to push are named relative to `cwd`
 * (oras refuses absolute paths unless told not to check them).
 */
export function oras(
  registry: RegistryTarget,
  subcommand: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<ToolResult> {
  const userPass =
    registry.username === undefined ? [] : ['-u', registry.username, '-p', registry.password ?? ''];
  const flags = ['--plain-http', '--registry-config', join(HOME, 'oras-auth.json'), ...userPass];
  // A subcommand may be two words (`repo tags`); the flags go after both.
  return runTool(toolPath('oras'), [...subcommand.split(' '), ...flags, ...args], options);
}

/** The outcome of one conformance run. */
export interface ConformanceResult {
  /** The suite's exit code: 0 when nothing failed. */
  code: number;
  /** `results.yaml`, `junit.xml` and `report.html`. */
  resultsDir: string;
  /** Test cases by status (skipped includes disabled), named as junit.xml names them. */
  passed: string[];
  failed: string[];
  skipped: string[];
  /** The suite's console summary. */
  output: string;
}

/** Decodes the XML entities junit.xml escapes attribute values with (Go writes `&#34;`, `&#xA;`). */
function xmlText(text: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (entity, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return entities[name] ?? entity;
  });
}

/**
 * Runs the OCI distribution-spec conformance suite (the pinned build in `.tools/bin`) against the registry
 * over plain http, for spec version 1.1, with repositories `repo1` and `repo2` (the second for mounts).
 * `env` adds or overrides its `OCI_*` settings (e.g. `OCI_FILTER_TEST`). Results go to `resultsDir`.
 */
export async function runConformance(
  registry: RegistryTarget,
  options: { resultsDir: string; repo1?: string; repo2?: string; env?: Record<string, string> },
): Promise<ConformanceResult> {
  mkdirSync(options.resultsDir, { recursive: true });
  const env: Record<string, string> = {
    OCI_REGISTRY: registry.host,
    OCI_TLS: 'disabled',
    OCI_VERSION: '1.1',
    OCI_REPO1: options.repo1 ?? 'conformance/repo1',
    OCI_REPO2: options.repo2 ?? 'conformance/repo2',
    OCI_USERNAME: registry.username ?? '',
    OCI_PASSWORD: registry.password ?? '',
    OCI_RESULTS_DIR: options.resultsDir,
    ...options.env,
  };
  // Run in the results folder: the suite reads an oci-conformance.yaml from its working folder if one is
  // there, and a fresh folder has none, so every setting comes from `env`.
  const run = await runTool(toolPath('conformance'), [], {
    env,
    cwd: options.resultsDir,
    allowFailure: true,
    timeoutMs: 600_000,
  });
  const junitPath = join(options.resultsDir, 'junit.xml');
  if (!existsSync(junitPath))
    throw new Error(`conformance wrote no junit.xml:\n${run.stdout}\n${run.stderr}`);
  const junit = readFileSync(junitPath, 'utf8');
  const result: ConformanceResult = {
    code: run.code,
    resultsDir: options.resultsDir,
    passed: [],
    failed: [],
    skipped: [],
    output: run.stdout + run.stderr,
  };
  // Each test case is a `<testcase name="OCI Conformance Test/..." status="...">` element.
  for (const [attributes = ''] of junit.matchAll(/<testcase\b[^>]*>/g)) {
    const attribute = (name: string) =>
      xmlText(new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1] ?? '');
    const status = attribute('status');
    const list =
      status === 'passed' ? result.passed : /^(failure|error)$/.test(status) ? result.failed : result.skipped;
    list.push(attribute('name'));
  }
  return result;
}
