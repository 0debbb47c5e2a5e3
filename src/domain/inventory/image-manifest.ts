/**
 * The manifest an EMT image build writes next to the image (build/<image>/manifest.json): the EMT
 * package-manifest format (`Repo`) plus the image's identity and a typed `kubernetes` section naming the
 * embedded K3s. `edge-orch emt compose` writes it; `osprofile import` reads it.
 */
import type { KubernetesFlavor } from '../compatibility/k8s-version.ts';

/** One row of the EMT package manifest (`{"Repo":[...]}`), as the EMT toolkit writes it. */
export interface ImagePackage {
  Name: string;
  Version: string;
  Architecture: string;
  Distribution: string;
  URL: string;
  License: string;
  Modified: string;
}

export interface AirgapImageFile {
  /** Absolute path on the host, for example /var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst. */
  path: string;
  sha256: string;
}

/** The Kubernetes an image carries inside it. */
export interface EmbeddedKubernetes {
  flavor: KubernetesFlavor;
  /** The exact upstream version, for example v1.32.4+k3s1. */
  version: string;
  binaryPath: string;
  installScriptPath: string;
  airgapImages: AirgapImageFile[];
  /** The RPM that delivers it, when known. */
  package?: { name: string; version: string; release: string };
}

export interface ImageIdentity {
  /** The OS profile name this image registers as (a DNS label). */
  name: string;
  version: string;
  osType: 'immutable' | 'mutable';
  architecture: string;
  description?: string;
  /** The packed image (squashfs) when one was written, relative to the manifest or absolute URL. */
  imageUrl?: string;
  imageSha256?: string;
}

export interface ImageManifest {
  Repo: ImagePackage[];
  image: ImageIdentity;
  /** Absent when the image embeds no Kubernetes. */
  kubernetes?: EmbeddedKubernetes;
}
