/**
 * The registration request: defaults `{osProfile, template, autoProvision, autoCluster, atomic}` and hosts that
 * may override osProfile, template and the cluster's name and labels. Parsing applies the defaults and finds
 * every problem of every host (syntax, missing profile/template, duplicates inside the request), so a dry run
 * can report them all and a real run can refuse the request naming each field.
 */
import { AppError, invalidField } from '../errors.ts';
import {
  DNS_LABEL,
  DNS_LABEL_FORM,
  checkLabels,
  checkOptionalString,
  describe,
  isRecord,
  readOptionalString,
  type Doc,
} from '../fields.ts';
import { checkHostRegistration, type HostRegistration } from '../inventory/host.ts';
import { checkTemplateRef, parseTemplateRef, type TemplateRef } from '../inventory/template.ts';
import { OS_PROFILE_REF, OS_PROFILE_REF_FORM } from '../inventory/os-profile.ts';
import { parsedProblems, parsedValue, type Parsed, type Problem } from '../problem.ts';
import type { StepReasonCode } from '../reasons.ts';
import type { HostPlan, RegistrationOptions, StepName } from './registration-steps.ts';

export interface RegistrationDefaults {
  osProfile: string | null;
  template: TemplateRef | null;
}

/** A host the request cannot register as written: the field at fault, the step it would fail at and why. */
export interface HostProblem extends Problem {
  /** The host's position in the request. */
  index: number;
  step: StepName;
  code: Extract<StepReasonCode, 'InvalidField' | 'DuplicateInRequest'>;
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

/** A request's settings, checked, and its host list, not yet parsed (createHostPlanParser parses it). */
export interface RegistrationHead {
  options: RegistrationOptions;
  defaults: RegistrationDefaults;
  dryRun: boolean;
  hosts: readonly unknown[];
}

/**
 * Parses a request body. Request-wide mistakes (autoCluster without autoProvision, no hosts) throw: nothing can be
 * checked without them. Per-host problems are returned as data, every host checked; a real run takes the plans
 * through `collectHostPlans`. A caller that must not hold the thread for a big list parses the head, then the
 * hosts in slices (createHostPlanParser).
 */
export function parseRegistrationRequest(body: unknown): RegistrationRequest {
  const head = parseRegistrationHead(body);
  const parser = createHostPlanParser(head);
  head.hosts.forEach((host, index) => parser.add(host, index));
  return parser.finish();
}

/** The request-wide part of `parseRegistrationRequest`: throws on a request-wide mistake. */
export function parseRegistrationHead(body: unknown): RegistrationHead {
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
    osProfile:
      readOptionalString(defaultsDoc, 'osProfile', 'defaults/', { pattern: OS_PROFILE_REF, expected: OS_PROFILE_REF_FORM }) ?? null,
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
  return { options, defaults, dryRun: body['dryRun'] === true, hosts };
}

/** Parses a request's hosts one at a time, in order (duplicates are found across every host added). */
export function createHostPlanParser({ options, defaults, dryRun }: Omit<RegistrationHead, 'hosts'>) {
  const plans: (HostPlan | null)[] = [];
  const problems: HostProblem[] = [];
  const seen = createDuplicateFinder();
  return {
    add(host: unknown, index: number): void {
      const parsed = parseHostPlan(host, index, options, defaults);
      if (!parsed.ok) {
        problems.push(...parsed.problems);
        plans.push(null);
        return;
      }
      const { nameGiven, clusterNameGiven, ...plan } = parsed.value;
      const duplicate = seen({ ...plan, nameGiven, clusterNameGiven });
      if (duplicate) {
        problems.push({ index, code: 'DuplicateInRequest', ...duplicate, registration: plan.registration, osProfile: plan.osProfile });
        plans.push(null);
      } else {
        plans.push(plan);
      }
    },
    finish: (): RegistrationRequest => ({ options, defaults, dryRun, plans, problems }),
  };
}

/** A real run registers every host or none: the plans of all hosts, or the problems of those that have one. */
export function collectHostPlans(request: RegistrationRequest): Parsed<HostPlan[], HostProblem> {
  if (request.problems.length > 0) return parsedProblems(...request.problems);
  return parsedValue(request.plans.filter((plan) => plan !== null));
}

function readFlag(doc: Doc, key: string): boolean {
  const value = doc[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalidField(`defaults/${key}`, `defaults/${key} must be true or false, got ${describe(value)}`);
  return value;
}

const HOST_KEYS = new Set(['name', 'uuid', 'serial', 'site', 'labels', 'osProfile', 'template', 'cluster']);

type ParsedHostPlan = HostPlan & { nameGiven: boolean; clusterNameGiven: boolean };

/** One host's plan, or its first problem with the step it would fail at (each check names its step). */
function parseHostPlan(
  host: unknown,
  index: number,
  options: RegistrationOptions,
  defaults: RegistrationDefaults,
): Parsed<ParsedHostPlan, HostProblem> {
  const path = `hosts/${index}/`;
  const fail = (
    step: StepName,
    { field, message }: Problem,
    { registration = null, osProfile = null }: { registration?: HostRegistration | null; osProfile?: string | null } = {},
  ) => parsedProblems<HostProblem>({ index, step, field, code: 'InvalidField', message, registration, osProfile });

  if (!isRecord(host))
    return fail('register-host', {
      field: `hosts/${index}`,
      message: `hosts/${index} must be an object with uuid and/or serial, got ${describe(host)}`,
    });
  const unknown = Object.keys(host).find((k) => !HOST_KEYS.has(k));
  if (unknown !== undefined)
    return fail('register-host', {
      field: `${path}${unknown}`,
      message: `${path}${unknown} is not a known field; expected ${[...HOST_KEYS].join(', ')}`,
    });
  const parsedRegistration = checkHostRegistration(host, path);
  if (!parsedRegistration.ok) return fail('register-host', parsedRegistration.problems[0]!);
  const registration = parsedRegistration.value;

  const parsedProfile = checkOptionalString(host, 'osProfile', path, { pattern: OS_PROFILE_REF, expected: OS_PROFILE_REF_FORM });
  if (!parsedProfile.ok) return fail('create-instance', parsedProfile.problems[0]!, { registration });
  const ownProfile = parsedProfile.value ?? null;
  /** A cluster problem keeps what the earlier steps need, so a dry run can still check them. */
  const failCluster = (problem: Problem) => fail('create-cluster', problem, { registration, osProfile: ownProfile ?? defaults.osProfile });

  let ownTemplate: TemplateRef | null = null;
  if (host['template'] !== undefined && host['template'] !== null && host['template'] !== '') {
    const parsedTemplate = checkTemplateRef(host['template']);
    if (!parsedTemplate.ok)
      return failCluster({ field: `${path}template`, message: `${path}template ${parsedTemplate.problems.join('; ')}` });
    ownTemplate = parsedTemplate.value;
  }
  const clusterDoc = host['cluster'];
  if (clusterDoc !== undefined && clusterDoc !== null && !isRecord(clusterDoc)) {
    return failCluster({
      field: `${path}cluster`,
      message: `${path}cluster must be an object with name and/or labels, got ${describe(clusterDoc)}`,
    });
  }
  if (clusterDoc && !options.autoCluster) {
    return failCluster({
      field: `${path}cluster`,
      message: `${path}cluster is given but defaults/autoCluster is not true; no cluster would be created`,
    });
  }
  if (ownTemplate && !options.autoCluster) {
    return failCluster({
      field: `${path}template`,
      message: `${path}template is given but defaults/autoCluster is not true; no cluster would be created`,
    });
  }

  const osProfile = options.autoProvision ? (ownProfile ?? defaults.osProfile) : null;
  if (options.autoProvision && osProfile === null) {
    return fail(
      'create-instance',
      {
        field: `${path}osProfile`,
        message: `autoProvision needs an OS profile for every host: set defaults/osProfile or ${path}osProfile`,
      },
      { registration },
    );
  }
  const template = options.autoCluster ? (ownTemplate ?? defaults.template) : null;
  if (options.autoCluster && template === null) {
    return failCluster({
      field: `${path}template`,
      message: `autoCluster needs a cluster template for every host: set defaults/template or ${path}template (name:version)`,
    });
  }
  let cluster: HostPlan['cluster'] = null;
  if (options.autoCluster) {
    const doc = clusterDoc ?? {};
    const unknownKey = Object.keys(doc).find((k) => k !== 'name' && k !== 'labels' && k !== 'role');
    if (unknownKey !== undefined)
      return failCluster({
        field: `${path}cluster/${unknownKey}`,
        message: `${path}cluster/${unknownKey} is not a known field; expected name, labels, role`,
      });
    const role = checkJoinRole(doc, path);
    if (!role.ok) return failCluster(role.problems[0]!);
    const name = checkOptionalString(doc, 'name', `${path}cluster/`, { pattern: DNS_LABEL, expected: DNS_LABEL_FORM });
    if (!name.ok) return failCluster(name.problems[0]!);
    const labels = checkLabels(doc['labels'], `${path}cluster/labels`);
    if (!labels.ok) return failCluster(labels.problems[0]!);
    cluster = {
      name: name.value ?? deriveClusterName(registration.name),
      labels: labels.value,
      ...(role.value ? { role: role.value } : {}),
    };
  }
  const nameGiven = typeof host['name'] === 'string' && host['name'] !== '';
  const clusterNameGiven = isRecord(clusterDoc) && typeof clusterDoc['name'] === 'string' && clusterDoc['name'] !== '';
  return parsedValue({ index, registration, osProfile, template, cluster, nameGiven, clusterNameGiven });
}

/** `<host name>-cluster`, cut so it stays a DNS label. */
export function deriveClusterName(hostName: string): string {
  return `${hostName.slice(0, 63 - '-cluster'.length).replace(/-+$/, '')}-cluster`;
}

/** Finds the first earlier host with the same uuid, serial, name or cluster name. */
function createDuplicateFinder() {
  const firstBy = new Map<string, number>();
  return function findDuplicate(plan: ParsedHostPlan): (Problem & { step: StepName }) | null {
    const keys: [string, string | null, StepName][] = [
      ['uuid', plan.registration.uuid, 'register-host'],
      ['serial', plan.registration.serial, 'register-host'],
      ['name', plan.registration.name, 'register-host'],
      // Hosts joining a cluster share its name; only a cluster each host makes for itself must be unique.
      ['cluster/name', plan.cluster && !plan.cluster.role ? plan.cluster.name : null, 'create-cluster'],
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

/**
 * `cluster/role`: all (or left out) makes the host's own single-node cluster; controlplane or worker joins the
 * existing cluster `cluster/name`, which must then be given.
 */
function checkJoinRole(doc: Record<string, unknown>, path: string): Parsed<'controlplane' | 'worker' | null> {
  const role = doc['role'];
  if (role === undefined || role === 'all') return parsedValue(null);
  if (role !== 'controlplane' && role !== 'worker')
    return parsedProblems({
      field: `${path}cluster/role`,
      message: `${path}cluster/role ${JSON.stringify(role)} is not a role; expected all, controlplane or worker`,
    });
  if (typeof doc['name'] !== 'string' || doc['name'] === '')
    return parsedProblems({
      field: `${path}cluster/name`,
      message: `${path}cluster/role ${role} joins an existing cluster: give its name in ${path}cluster/name`,
    });
  return parsedValue(role);
}
