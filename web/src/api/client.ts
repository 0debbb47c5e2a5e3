/**
 * The API client, typed from the server's OpenAPI document (openapi.d.ts is generated from docs/openapi.json).
 * Every call carries the signed-in token; a problem document becomes an ApiProblem the pages show.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './openapi.d.ts';

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;
/** The JSON body of a path's successful answer (200 or 201). */
export type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? JsonOf<R extends { 200: infer A } ? A : R extends { 201: infer A } ? A : never>
  : never;

type P = '/api/v1/projects/{project}';
export type Session = Answer<'/api/v1/session', 'get'>;
export type Host = Answer<`${P}/hosts/{host}`, 'get'>;
export type HostPage = Answer<`${P}/hosts`, 'get'>;
export type Cluster = Answer<`${P}/clusters/{name}`, 'get'>;
export type OsProfile = Answer<`${P}/osprofiles/{name}`, 'get'>;
export type TemplateList = Answer<`${P}/templates`, 'get'>;
export type Template = TemplateList['items'][number];
export type RegistrationJob = Answer<`${P}/registrations/{id}`, 'get'>;
export type RegistrationHost = RegistrationJob['hosts'][number];
export type RegistrationJobSummary = Answer<`${P}/registrations`, 'get'>['items'][number];
export type RegistrationCheck = Answer<`${P}/registrations`, 'post'>;
export type HostCsvPlan = Answer<`${P}/host-csv`, 'post'>;
export type RegistrationRequest = HostCsvPlan['jobs'][number]['request'];
export type OnboardingRequest = Answer<`${P}/onboarding-requests`, 'get'>['items'][number];
export type AuditEvent = Answer<`${P}/audit`, 'get'>['items'][number];

/** An RFC 9457 problem document as the API answers errors. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  code: string;
  field?: string;
  reason?: string;
  errors?: { field: string; message: string; host?: number }[];
}

export class ApiProblem extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.problem = problem;
  }
}

const TOKEN_KEY = 'edge-orch.token';

export const tokenStorage = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

const authorize: Middleware = {
  onRequest({ request }) {
    const token = tokenStorage.get();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(authorize);

/** The data of an openapi-fetch answer (undefined for an empty one), or an ApiProblem for its error. */
export async function unwrap<T>(answer: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await answer;
  if (error !== undefined || !response.ok) {
    const problem = (error ?? {}) as Partial<Problem>;
    throw new ApiProblem({
      status: response.status,
      title: problem.title ?? response.statusText,
      detail: problem.detail ?? `the server answered ${response.status}`,
      code: problem.code ?? 'Unknown',
      ...(problem.field ? { field: problem.field } : {}),
      ...(problem.reason ? { reason: problem.reason } : {}),
      ...(problem.errors ? { errors: problem.errors } : {}),
    });
  }
  // A 202 or 204 without a body (DELETE) has no data.
  return data as T;
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
