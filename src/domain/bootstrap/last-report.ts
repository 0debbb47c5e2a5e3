/**
 * What the host details show of an agent's last report: the OS image and embedded Kubernetes it runs and its
 * cluster's phase, as the agent said, and when. Every string is the agent's and is kept cleaned and cut.
 */
import { cleanReportedText } from '../enrollment/onboarding-request.ts';
import type { AgentReport } from './agent-report.ts';

export interface LastReport {
  reportedAt: string;
  /** The image manifest's identity; null when the host runs no image manifest. */
  image: { name: string; version: string } | null;
  /** The K3s the image embeds; null when none. */
  kubernetes: { flavor: string; version: string } | null;
  cluster: { name: string | null; phase: string; message: string } | null;
}

const MESSAGE_LENGTH = 1000;

export function summarizeReport(report: AgentReport, reportedAt: string): LastReport {
  const text = (value: unknown, max?: number): string => cleanReportedText(typeof value === 'string' ? value : '', max);
  const { manifest, cluster } = report;
  return {
    reportedAt,
    image: manifest?.image ? { name: text(manifest.image.name), version: text(manifest.image.version) } : null,
    kubernetes: manifest?.kubernetes ? { flavor: text(manifest.kubernetes.flavor), version: text(manifest.kubernetes.version) } : null,
    cluster: cluster
      ? { name: cluster.name === null ? null : text(cluster.name), phase: cluster.phase, message: text(cluster.message, MESSAGE_LENGTH) }
      : null,
  };
}
