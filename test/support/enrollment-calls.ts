/** Southbound calls for the security suites: enrollment tokens made through the API, enrollments as an agent makes them. */
import type { LightMyRequestResponse } from 'fastify';
import type { ApiHarness } from './api-harness.ts';

export const A = '/api/v1/projects/alpha';
export const AGENT = '/api/v1/agent';

/** A new enrollment token's secret, made by an onboarding manager of project alpha. */
export async function createEnrollmentSecret(api: ApiHarness, options: { expiresAt?: string; maxUses?: number } = {}): Promise<string> {
  const res = await api.call('POST', `${A}/enrollment-tokens`, {
    token: await api.token('alpha', 'onboarding-manager'),
    body: { name: 'plant', ...options },
  });
  if (res.statusCode !== 201) throw new Error(`creating an enrollment token answered ${res.statusCode}: ${res.body}`);
  return res.json().token;
}

export function enroll(
  api: ApiHarness,
  body: { enrollmentToken: string; uuid?: string; serial?: string; facts?: Record<string, string>; waitSeconds?: number },
): Promise<LightMyRequestResponse> {
  return api.call('POST', `${AGENT}/enroll`, { token: null, body });
}

/** Registers a host in alpha and returns its id. */
export async function registerHost(api: ApiHarness, body: Record<string, unknown>): Promise<string> {
  const res = await api.call('POST', `${A}/hosts`, { body });
  if (res.statusCode !== 201) throw new Error(`registering ${JSON.stringify(body)} answered ${res.statusCode}: ${res.body}`);
  return res.json().id;
}
