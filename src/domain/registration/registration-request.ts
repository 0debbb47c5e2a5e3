/**
 * The registration request: defaults `{osProfile, template, autoProvision, autoCluster, atomic}` and hosts that
 * may override osProfile, template and the cluster's name and labels. Parsing applies the defaults and finds
 * every problem of every host (syntax, missing profile/template, duplicates inside the request), so a dry run
 * can report them all and a real run can refuse the request naming each field.
 */
import { AppError, invalidField, isAppError } from '../errors.ts';
import {
  DNS_LABEL,
  DNS_LABEL_FORM,
  DNS_SUBDOMAIN,
  DNS_SUBDOMAIN_FORM,
  describe,
  isRecord,
  readLabels,
  readOptionalString,
  type Doc,
} from '../fields.ts';
import { parseHostRegistration, type HostRegistration } from '../inventory/host.ts';
import type { HostPlan, RegistrationOptions, StepName } from './registration-steps.ts';
import { parseTemplateRef, type TemplateRef } from '../inventory/template.ts';

export interface RegistrationDefaults {
  osProfile: string | null;
  template: TemplateRef | null;
}

/** A host the request cannot register as written: the step it would fail at and why. */
export interface HostProblem {
  index: number;
  step: StepName;
  field: string;
  code: 'InvalidField' | 'DuplicateInRequest';
  message: string;
  /** The host's registration when it parsed (the problem is in a later step), so a dry run can still check it. */
  registration: HostRegistration | null;
  /** The host's OS profile when it parsed and the problem is in create-cluster. */
  osProfile: string | null;
}

export interface RegistrationRequest {
  options: RegistrationOptions;
  defaults: RegistrationDefaults;
  dryRun: boolean;
  /** Every host in request order; `plans[i]` is null when host i has a problem. */
  plans: (HostPlan | null)[];
  /** Also in request order; a host has at most one problem (its first). */
  problems: HostProblem[];
}

/** Longest accepted host list; bigger imports are split by the client. */
export const MAX_REGISTRATION_HOSTS = 50_000;

/**
 * Parses a request body. Request-wide mistakes (autoCluster without autoProvision, no hosts) throw; per-host
 * problems are returned. Use `requireValidHosts` before running a real job.
 */
export function parseRegistrationRequest(body: unknown): RegistrationRequest {
  if (!isRecord(body))
    throw new AppError('MalformedDocument', `a registration must be an object with defaults and hosts, got ${describe(body)}`);
  const defaultsDoc = body['defaults'] === undefined || body['defaults'] === null ? {} : body['defaults'];
  if (!isRecord(defaultsDoc)) throw invalidField('defaults', `defaults must be an object, got ${describe(defaultsDoc)}`);
  const options: RegistrationOptions = {
    autoProvision: readFlag(defaultsDoc, 'autoProvision'),
    autoCluster: readFlag(defaultsDoc, 'autoCluster'),
    atomic: readFlag(defaultsDoc, 'atomic'),
  };
  if (options.autoCluster && !options.autoProvision) {
    throw new AppError(
      'InvalidField',
      'defaults/autoCluster needs defaults/autoProvision: a cluster runs on a provisioned instance; set defaults/autoProvision to true or defaults/autoCluster to false',
      {
        field: 'defaults/autoCluster',
        extra: {
          errors: [
            { field: 'defaults/autoCluster', message: 'is true but defaults/autoProvision is not' },
            { field: 'defaults/autoProvision', message: 'must be true when defaults/autoCluster is true' },
          ],
        },
      },
    );
  }
  const defaults: RegistrationDefaults = {
    osProfile: readOptionalString(defaultsDoc, 'osProfile', 'defaults/', { pattern: DNS_SUBDOMAIN, expected: DNS_SUBDOMAIN_FORM }) ?? null,
    template:
      defaultsDoc['template'] === undefined || defaultsDoc['template'] === null || defaultsDoc['template'] === ''
        ? null
        : parseTemplateRef(defaultsDoc['template'], 'defaults/template'),
  };
  const hosts = body['hosts'];
  if (!Array.isArray(hosts) || hosts.length === 0)
    throw invalidField('hosts', `hosts must be a non-empty list of hosts, got ${describe(hosts)}`);
  if (hosts.length > MAX_REGISTRATION_HOSTS) {
    throw invalidField(
      'hosts',
      `hosts has ${hosts.length} entries; at most ${MAX_REGISTRATION_HOSTS} are accepted per request, split the list`,
    );
  }
  const dryRun = body['dryRun'] === true;

  const plans: (HostPlan | null)[] = [];
  const problems: HostProblem[] = [];
  const seen = createDuplicateFinder();
  hosts.forEach((host, index) => {
    try {
      const { nameGiven, clusterNameGiven, ...plan } = parseHostPlan(host, index, options, defaults);
      const duplicate = seen({ ...plan, nameGiven, clusterNameGiven });
      if (duplicate) {
        problems.push({
          index,
          step: duplicate.step,
          field: duplicate.field,
          code: 'DuplicateInRequest',
          message: duplicate.message,
          registration: plan.registration,
          osProfile: plan.osProfile,
        });
        plans.push(null);
      } else {
        plans.push(plan);
      }
    } catch (error) {
      if (!isAppError(error)) throw error;
      const step = stepOfField(error.field ?? '');
      problems.push({
        index,
        step,
        field: error.field ?? `hosts/${index}`,
        code: 'InvalidField',
        message: error.detail,
        registration: step === 'register-host' ? null : tryParse(() => parseHostRegistration(host, `hosts/${index}/`)),
        osProfile:
          step === 'create-cluster' && isRecord(host)
            ? tryParse(
                () =>
                  readOptionalString(host, 'osProfile', `hosts/${index}/`, { pattern: DNS_SUBDOMAIN, expected: DNS_SUBDOMAIN_FORM }) ??
                  defaults.osProfile,
              )
            : null,
      });
      plans.push(null);
    }
  });
  return { options, defaults, dryRun, plans, problems };
}

/** The plans of a request with no problems; otherwise InvalidField naming the first field, with all of them. */
export function requireValidHosts(request: RegistrationRequest): HostPlan[] {
  const [first] = request.problems;
  if (first) {
    const more =
      request.problems.length > 1 ? ` (and ${request.problems.length - 1} more problem${request.problems.length > 2 ? 's' : ''})` : '';
    throw new AppError('InvalidField', `${first.message}${more}`, {
      field: first.field,
      extra: { errors: request.problems.slice(0, 100).map((p) => ({ field: p.field, message: p.message })) },
    });
  }
  return request.plans as HostPlan[];
}

function tryParse<T>(parse: () => T | null): T | null {
  try {
    return parse();
  } catch {
    return null;
  }
}

function readFlag(doc: Doc, key: string): boolean {
  const value = doc[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalidField(`defaults/${key}`, `defaults/${key} must be true or false, got ${describe(value)}`);
  return value;
}

const HOST_KEYS = new Set(['name', 'uuid', 'serial', 'site', 'labels', 'osProfile', 'template', 'cluster']);

function parseHostPlan(
  host: unknown,
  index: number,
  options: RegistrationOptions,
  defaults: RegistrationDefaults,
): HostPlan & { nameGiven: boolean; clusterNameGiven: boolean } {
  const path = `hosts/${index}/`;
  if (!isRecord(host))
    throw invalidField(`hosts/${index}`, `hosts/${index} must be an object with uuid and/or serial, got ${describe(host)}`);
  const unknown = Object.keys(host).find((k) => !HOST_KEYS.has(k));
  if (unknown !== undefined)
    throw invalidField(`${path}${unknown}`, `${path}${unknown} is not a known field; expected ${[...HOST_KEYS].join(', ')}`);
  const registration = parseHostRegistration(host, path);

  const ownProfile = readOptionalString(host, 'osProfile', path, { pattern: DNS_SUBDOMAIN, expected: DNS_SUBDOMAIN_FORM }) ?? null;
  const ownTemplate =
    host['template'] === undefined || host['template'] === null || host['template'] === ''
      ? null
      : parseTemplateRef(host['template'], `${path}template`);
  const clusterDoc = host['cluster'];
  if (clusterDoc !== undefined && clusterDoc !== null && !isRecord(clusterDoc)) {
    throw invalidField(`${path}cluster`, `${path}cluster must be an object with name and/or labels, got ${describe(clusterDoc)}`);
  }
  if (clusterDoc && !options.autoCluster) {
    throw invalidField(`${path}cluster`, `${path}cluster is given but defaults/autoCluster is not true; no cluster would be created`);
  }
  if (ownTemplate && !options.autoCluster) {
    throw invalidField(`${path}template`, `${path}template is given but defaults/autoCluster is not true; no cluster would be created`);
  }

  const osProfile = options.autoProvision ? (ownProfile ?? defaults.osProfile) : null;
  if (options.autoProvision && osProfile === null) {
    throw invalidField(`${path}osProfile`, `autoProvision needs an OS profile for every host: set defaults/osProfile or ${path}osProfile`);
  }
  const template = options.autoCluster ? (ownTemplate ?? defaults.template) : null;
  if (options.autoCluster && template === null) {
    throw invalidField(
      `${path}template`,
      `autoCluster needs a cluster template for every host: set defaults/template or ${path}template (name:version)`,
    );
  }
  let cluster: HostPlan['cluster'] = null;
  if (options.autoCluster) {
    const doc = clusterDoc ?? {};
    const unknownKey = Object.keys(doc).find((k) => k !== 'name' && k !== 'labels');
    if (unknownKey !== undefined)
      throw invalidField(`${path}cluster/${unknownKey}`, `${path}cluster/${unknownKey} is not a known field; expected name, labels`);
    cluster = {
      name:
        readOptionalString(doc, 'name', `${path}cluster/`, { pattern: DNS_LABEL, expected: DNS_LABEL_FORM }) ??
        deriveClusterName(registration.name),
      labels: readLabels(doc['labels'], `${path}cluster/labels`),
    };
  }
  const nameGiven = typeof host['name'] === 'string' && host['name'] !== '';
  const clusterNameGiven = isRecord(clusterDoc) && typeof clusterDoc['name'] === 'string' && clusterDoc['name'] !== '';
  return { index, registration, osProfile, template, cluster, nameGiven, clusterNameGiven };
}

/** `<host name>-cluster`, cut so it stays a DNS label. */
export function deriveClusterName(hostName: string): string {
  return `${hostName.slice(0, 63 - '-cluster'.length).replace(/-+$/, '')}-cluster`;
}

/** The step a field belongs to: the cluster's fields fail create-cluster, the OS profile create-instance. */
function stepOfField(field: string): StepName {
  if (/\/(template|cluster)(\/|$)/.test(field)) return 'create-cluster';
  if (/\/osProfile$/.test(field)) return 'create-instance';
  return 'register-host';
}

/** Finds the first earlier host with the same uuid, serial, name or cluster name. */
function createDuplicateFinder() {
  const firstBy = new Map<string, number>();
  return function findDuplicate(
    plan: HostPlan & { nameGiven: boolean; clusterNameGiven: boolean },
  ): { step: StepName; field: string; message: string } | null {
    const keys: [string, string | null, StepName][] = [
      ['uuid', plan.registration.uuid, 'register-host'],
      ['serial', plan.registration.serial, 'register-host'],
      ['name', plan.registration.name, 'register-host'],
      ['cluster/name', plan.cluster?.name ?? null, 'create-cluster'],
    ];
    for (const [key, value, step] of keys) {
      if (value === null) continue;
      const earlier = firstBy.get(`${key}=${value}`);
      if (earlier !== undefined) {
        const field = `hosts/${plan.index}/${key}`;
        const given = key === 'name' ? plan.nameGiven : key === 'cluster/name' ? plan.clusterNameGiven : true;
        const message = given
          ? `${field} ${JSON.stringify(value)} duplicates hosts/${earlier}/${key}`
          : `${field} was not given and the derived ${JSON.stringify(value)} duplicates hosts/${earlier}/${key}; give ${field} explicitly`;
        return { step, field, message };
      }
    }
    for (const [key, value] of keys) if (value !== null) firstBy.set(`${key}=${value}`, plan.index);
    return null;
  };
}
