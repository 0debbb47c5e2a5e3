/**
 * An image manifest of a later EMT image of the microvisor-nonrt profile, embedding another K3s: imported
 * (POST …/osprofiles/import) to give option 2 and cluster upgrades a version to move to. Made for the tests, not
 * taken from upstream.
 */
export function emtImageManifest(version: string, k3sVersion: string) {
  return {
    Repo: [],
    image: {
      name: 'microvisor-nonrt',
      version,
      osType: 'immutable',
      architecture: 'x86_64',
      imageUrl: `https://images.example/emt-${version}.raw`,
      imageSha256: 'ab'.repeat(32),
    },
    kubernetes: {
      flavor: 'k3s',
      version: k3sVersion,
      binaryPath: '/usr/local/bin/k3s',
      installScriptPath: '/opt/install.sh',
      airgapImages: [],
    },
  };
}
