/**
 * `edge-orch emt agent-sources`: the sources of the agent package (domain/emt/agent-package.ts) in one
 * directory: the agent bundled with esbuild into one JavaScript file whose first line names the packaged runtime,
 * the pinned Node.js runtime itself (a copy of the given binary, checked to be Node.js 24), the systemd unit, and
 * the settings file (the one given, once it parses, or a commented template). `emt spec edge-orch-agent` then
 * signs them and `emt build` packs them.
 */
import { chmod, copyFile, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { invalidField, invalidFields } from '../domain/errors.ts';
import { AGENT_PACKAGE_PATHS, AGENT_RUNTIME_MAJOR, AGENT_SOURCES } from '../domain/emt/agent-package.ts';
import { parseAgentConfig, renderAgentConfigTemplate } from '../render/bootstrap/agent-config.ts';
import { renderAgentUnit } from '../render/emt/agent-unit.ts';
import { sha256File } from '../system/sha256-file.ts';
import { siblingTempPath } from '../system/sibling-temp-path.ts';
import { writeFileAtomic } from '../system/write-file-atomic.ts';
import { runTool } from './run-tool.ts';

/** The agent program's composition root, the bundle's entry point. */
const AGENT_ENTRY = join(import.meta.dirname, '..', 'agent-main.ts');

export interface AgentSourcesInput {
  outDir: string;
  /** The Node.js binary to package as the runtime; the one running this by default. */
  nodePath?: string;
  /** A settings file to package as /etc/edge-orch/agent.yaml; checked as the agent reads it. */
  configFile?: string;
}

export interface AgentSources {
  outDir: string;
  /** `vX.Y.Z` of the packaged runtime. */
  nodeVersion: string;
  files: { name: string; sha256: string }[];
}

export async function writeAgentSources({ outDir, nodePath = process.execPath, configFile }: AgentSourcesInput): Promise<AgentSources> {
  const out = resolve(outDir);
  const nodeVersion = (await runTool([nodePath, '--version'], { timeoutMs: 30_000 })).stdout.trim();
  if (Number(/^v(\d+)\./.exec(nodeVersion)?.[1]) !== AGENT_RUNTIME_MAJOR)
    throw invalidField(
      '--node',
      `--node ${nodePath} is Node.js ${nodeVersion || '(unknown)'}; the agent runs on Node.js ${AGENT_RUNTIME_MAJOR}`,
    );
  let config = renderAgentConfigTemplate();
  if (configFile) {
    config = await readFile(configFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw invalidField('--config', `--config ${configFile} cannot be read (${error.code ?? error.message})`);
    });
    const parsed = parseAgentConfig(config, configFile);
    if (!parsed.ok) throw invalidFields(parsed.problems);
  }

  await writeFileAtomic(join(out, AGENT_SOURCES.program), await bundleAgent(), { mode: 0o755 });
  const runtime = siblingTempPath(join(out, AGENT_SOURCES.runtime));
  try {
    await copyFile(nodePath, runtime);
    await chmod(runtime, 0o755);
    await rename(runtime, join(out, AGENT_SOURCES.runtime));
  } finally {
    await rm(runtime, { force: true });
  }
  await writeFileAtomic(join(out, AGENT_SOURCES.unit), renderAgentUnit());
  await writeFileAtomic(join(out, AGENT_SOURCES.config), config, { mode: 0o600 });
  const files = [];
  for (const name of Object.values(AGENT_SOURCES)) files.push({ name, sha256: (await sha256File(join(out, name)))! });
  return { outDir: out, nodeVersion, files };
}

/**
 * The agent and every package it imports in one ES module. Bundled CommonJS packages call `require`, which an
 * ES module lacks: the banner gives it one.
 */
async function bundleAgent(): Promise<Uint8Array> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [AGENT_ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${AGENT_RUNTIME_MAJOR}`,
    write: false,
    outfile: AGENT_SOURCES.program,
    logLevel: 'silent',
    legalComments: 'eof',
    banner: {
      js: [
        `#!${AGENT_PACKAGE_PATHS.runtime}`,
        "import { createRequire as edgeOrchCreateRequire } from 'node:module';",
        'const require = edgeOrchCreateRequire(import.meta.url);',
      ].join('\n'),
    },
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild wrote no bundle for the agent');
  return output.contents;
}
