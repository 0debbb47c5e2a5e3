/**
 * A simulated edge agent over HTTP, for the benches: it enrolls (held until its host is registered), long-polls
 * its desired state, reports its OS image when asked to wait for it, "installs" each new install plan (counted)
 * and reports its cluster ready, and reports a cluster it is told to remove as removed. Each agent speaks from
 * its own loopback address (127.1.x.y), since enrollment is rate-limited per client address. A request that
 * fails because the server is down, or is answered 408, 429 or 5xx, is tried again, as the real agent does.
 */
import { Agent, request } from 'node:http';

/** How long a request is held, as the real agent asks (src/agent/agent.ts): shorter would add polls the server answers. */
const WAIT_SECONDS = 25;

const PROFILE = 'microvisor-nonrt';
const manifest = { image: { name: PROFILE, version: '1' }, kubernetes: null };

/** JSON over HTTP with `agent`; rejects when the server cannot be reached. */
export function httpJson<T>(
  agent: Agent,
  url: string,
  init: { method?: string; body?: unknown; credential?: string | null } = {},
): Promise<{ status: number; body: T }> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        agent,
        method: init.method ?? 'GET',
        headers: { 'content-type': 'application/json', ...(init.credential ? { authorization: `Bearer ${init.credential}` } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : null) as T }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(init.body === undefined ? undefined : JSON.stringify(init.body));
  });
}

export interface AgentRecord {
  serial: string;
  enrolledAt: number | null;
  /** performance.now() of the first install plan. */
  installPlanAt: number | null;
  /** Distinct install plans acted on: more than one means the host installed twice. */
  installs: number;
  readyReported: boolean;
  removedReported: boolean;
  /** Enrollment refused as already enrolled: the answer with the credential was lost (server killed mid-answer). */
  lostEnrollment: boolean;
}

interface DesiredState {
  revision: string;
  action: { kind: string; cluster?: string | null; planRevision?: string };
}

/** The answers the real agent tries again (src/agent/southbound-client.ts): a server too busy or restarting. */
const isRetryable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

const pause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Runs one agent until `signal` aborts (or its enrollment is lost); returns its record. */
export async function runSimulatedAgent(
  base: () => string,
  enrollmentToken: string,
  serial: string,
  index: number,
  signal: AbortSignal,
  stopAtInstallPlan = false,
): Promise<AgentRecord> {
  const record: AgentRecord = {
    serial,
    enrolledAt: null,
    installPlanAt: null,
    installs: 0,
    readyReported: false,
    removedReported: false,
    lostEnrollment: false,
  };
  const agent = new Agent({ keepAlive: true, localAddress: `127.1.${Math.floor(index / 250)}.${(index % 250) + 1}` });
  const call = async <T>(path: string, init: Parameters<typeof httpJson>[2] = {}): Promise<{ status: number; body: T } | null> => {
    try {
      const res = await httpJson<T>(agent, `${base()}/api/v1/agent${path}`, init);
      if (!isRetryable(res.status)) return res;
    } catch {
      // the server is down (killed): try again
    }
    await pause(200);
    return null;
  };
  try {
    let credential: string | null = null;
    while (credential === null && !signal.aborted) {
      const res = await call<{ credential: string }>('/enroll', {
        method: 'POST',
        body: { enrollmentToken, serial, waitSeconds: WAIT_SECONDS },
      });
      if (res?.status === 200) credential = res.body.credential;
      else if (res?.status === 409) {
        record.lostEnrollment = true;
        return record;
      } else if (res && res.status !== 404) throw new Error(`enroll of ${serial} answered ${res.status}`);
    }
    record.enrolledAt = performance.now();
    let revision: string | null = null;
    let installed: string | null = null;
    let reportedImage = false;
    while (!signal.aborted) {
      const query: string = `waitSeconds=${WAIT_SECONDS}${revision ? `&revision=${encodeURIComponent(revision)}` : ''}`;
      const res = await call<DesiredState>(`/desired-state?${query}`, { credential });
      if (!res) continue;
      if (res.status !== 200) throw new Error(`desired state of ${serial} answered ${res.status}`);
      const { action } = res.body;
      revision = res.body.revision;
      let report: object | null = null;
      if (action.kind === 'wait' && !reportedImage) report = { manifest, cluster: null };
      else if (action.kind === 'install') {
        record.installPlanAt ??= performance.now();
        if (stopAtInstallPlan) return record;
        if (action.planRevision !== installed) {
          installed = action.planRevision!;
          record.installs += 1;
          record.readyReported = false;
        }
        if (!record.readyReported) report = { manifest, cluster: { name: action.cluster, phase: 'ready', message: 'K3s is ready' } };
      } else if (action.kind === 'remove' && !record.removedReported)
        report = { manifest, cluster: { name: action.cluster ?? null, phase: 'removed', message: 'K3s removed' } };
      if (!report) continue;
      const ack = await call('/report', { method: 'POST', body: report, credential });
      if (ack?.status !== 200) {
        revision = null; // not acknowledged: ask again, then report again
        continue;
      }
      reportedImage = true;
      if (action.kind === 'install') record.readyReported = true;
      if (action.kind === 'remove') record.removedReported = true;
    }
    return record;
  } finally {
    agent.destroy();
  }
}
