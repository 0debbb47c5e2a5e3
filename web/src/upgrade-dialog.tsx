/**
 * Start a cluster's rolling upgrade: a picker of the OS profile versions of the cluster's profiles that embed a
 * K3s newer than the cluster runs. The server decides; a refusal is shown with its reason and the dialog stays
 * open to pick another.
 */
import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { compareKubernetesVersions, tryParseKubernetesVersion } from '../../src/contract/ui-vocabulary.ts';
import { readOsProfiles } from './api/catalog.ts';
import { api, ApiProblem, errorText, unwrap, type Cluster, type OsProfile } from './api/client.ts';
import { ErrorAlert } from './parts.tsx';
import { useSession } from './session.tsx';
import { useLoad } from './use-load.ts';

/** name:version of the versions of `names` whose embedded K3s (of the cluster's flavor) is newer than the cluster's, oldest first. */
export function upgradeTargets(
  profiles: readonly OsProfile[],
  names: ReadonlySet<string>,
  cluster: Cluster,
): { value: string; label: string }[] {
  const running = tryParseKubernetesVersion(cluster.kubernetesVersion);
  if (!running) return [];
  return profiles
    .flatMap((profile) => {
      if (!names.has(profile.name) || profile.kubernetes?.flavor !== cluster.flavor) return [];
      const embedded = tryParseKubernetesVersion(profile.kubernetes.version);
      return embedded && compareKubernetesVersions(embedded, running) > 0 ? [{ profile, embedded }] : [];
    })
    .sort((a, b) => compareKubernetesVersions(a.embedded, b.embedded))
    .map(({ profile, embedded }) => ({
      value: `${profile.name}:${profile.version}`,
      label: `${profile.name}:${profile.version} · K3s ${embedded.raw}`,
    }));
}

/** A refusal as the user needs it: the reason's code (K3sMinorSkipped, UpgradeInProgress, …) and its message. */
const refusalText = (e: unknown): string =>
  e instanceof ApiProblem && e.problem.reason ? `${e.problem.reason}: ${e.problem.detail}` : errorText(e);

export function UpgradeDialog({
  cluster,
  profileNames,
  onClose,
  onStarted,
}: {
  cluster: Cluster;
  /** The OS profiles the cluster's nodes run. */
  profileNames: ReadonlySet<string>;
  onClose: () => void;
  onStarted: () => void;
}) {
  const { project } = useSession();
  const stopped = cluster.upgrade?.state === 'failed' ? `${cluster.upgrade.osProfile.name}:${cluster.upgrade.osProfile.version}` : null;
  const [target, setTarget] = useState<string | null>(stopped);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const profiles = useLoad((signal) => readOsProfiles(project, signal), [project]);
  const targets = upgradeTargets(profiles.data ?? [], profileNames, cluster);

  async function start() {
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST('/api/v1/projects/{project}/clusters/{name}/upgrade', {
          params: { path: { project, name: cluster.name } },
          body: { osProfile: target },
        }),
      );
      onStarted();
    } catch (e) {
      setError(refusalText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={`Upgrade ${cluster.name}`} size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Text size="sm">
          The cluster runs K3s {cluster.kubernetesVersion}. Its nodes move one at a time, servers first, each after the one before is ready
          again: nodes of the target's OS profile update to its image, nodes whose image embeds no K3s download the new version.
        </Text>
        {stopped && (
          <Alert color="orange" title="Stopped upgrade">
            Asking for {stopped} again resumes it from the node that failed.
          </Alert>
        )}
        <ErrorAlert error={profiles.error} />
        <Select
          label="OS profile version"
          placeholder="Versions embedding a newer K3s"
          data={targets}
          value={target}
          onChange={setTarget}
          nothingFoundMessage="No imported version of the cluster's OS profiles embeds a newer K3s"
        />
        <ErrorAlert error={error} title="The upgrade was refused" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={start} disabled={!target} loading={busy}>
            Start upgrade
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
