import { describe, expect, it } from 'vitest';
import type { DesiredStateT } from '../contract/agent.schema.ts';
import { createHostReconciler, type ClusterReport, type HostOperations } from './reconcile-host.ts';

const updateOs = (argv: string[]): DesiredStateT => ({
  revision: 'r1',
  host: { id: 'h1', name: 'edge-1', state: 'provisioned' },
  osProfile: 'microvisor-nonrt',
  action: { kind: 'update-os', cluster: 'plant', osProfile: 'microvisor-nonrt', version: '3.1', argv },
});

function fakeOps(result: { ok: boolean; message: string } | null, osVersion: string | null = '3.0') {
  const reports: (ClusterReport | null)[] = [];
  const ran: (readonly string[])[] = [];
  const ops: HostOperations = {
    report: async (cluster) => void reports.push(cluster),
    install: async () => {
      throw new Error('not expected');
    },
    cleanup: async () => {
      throw new Error('not expected');
    },
    readInstallRecord: async () => null,
    osType: () => 'immutable',
    osVersion: () => osVersion,
    ...(result ? { updateOs: async (argv: readonly string[]) => (ran.push(argv), result) } : {}),
  };
  return { ops, reports, ran };
}
const log = { info: () => {}, warn: () => {} };

describe('update-os', () => {
  it('runs the OS update command once, reporting it as installing', async () => {
    const { ops, reports, ran } = fakeOps({ ok: true, message: 'rebooting' });
    const reconciler = createHostReconciler({ ops, log });
    await reconciler.reconcile(updateOs(['/bin/upd', '3.1']), { revisionChanged: true });
    await reconciler.reconcile(updateOs(['/bin/upd', '3.1']), { revisionChanged: false });
    expect(ran).toEqual([['/bin/upd', '3.1']]);
    expect(reports).toEqual([{ name: 'plant', phase: 'installing', message: 'updating the OS to microvisor-nonrt:3.1' }]);
  });

  it('only reports the manifest when the host already runs the version asked for (booted into it, not yet read by the server)', async () => {
    const { ops, reports, ran } = fakeOps({ ok: true, message: 'rebooting' }, '3.1');
    await createHostReconciler({ ops, log }).reconcile(updateOs(['/bin/upd', '3.1']), { revisionChanged: true });
    expect(ran).toEqual([]);
    expect(reports).toEqual([null]);
  });

  it('reports a failed update, and an agent that cannot update, as failed', async () => {
    const failing = fakeOps({ ok: false, message: 'the OS update command /bin/upd exited with 1: no space' });
    await createHostReconciler({ ops: failing.ops, log }).reconcile(updateOs(['/bin/upd']), { revisionChanged: true });
    expect(failing.reports.at(-1)).toEqual({
      name: 'plant',
      phase: 'failed',
      message: 'the OS update command /bin/upd exited with 1: no space',
    });
    const unable = fakeOps(null);
    await createHostReconciler({ ops: unable.ops, log }).reconcile(updateOs(['/bin/upd']), { revisionChanged: true });
    expect(unable.reports.at(-1)).toMatchObject({ phase: 'failed', message: expect.stringContaining('cannot update its OS') });
  });
});
