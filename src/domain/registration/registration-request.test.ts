import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { describe, expect, it } from 'vitest';
import { collectHostPlans, deriveClusterName, parseRegistrationRequest, type RegistrationRequest } from './registration-request.ts';

const U1 = '4c4c4544-0044-4210-8031-c2c04f305231';
const U2 = '5d4c4544-0044-4210-8031-c2c04f305232';
const FULL = { autoProvision: true, autoCluster: true, osProfile: 'microvisor-nonrt', template: 'baseline-k3s:v0.0.4' };

function plansOf(request: RegistrationRequest) {
  const collected = collectHostPlans(request);
  if (!collected.ok) throw new Error(`expected every host to be valid: ${collected.problems.map((p) => p.message).join('; ')}`);
  return collected.value;
}

describe('parseRegistrationRequest', () => {
  it('applies the defaults to every host and lets a host override OS profile, template and cluster', () => {
    const request = parseRegistrationRequest({
      defaults: FULL,
      hosts: [
        { uuid: U1 },
        {
          serial: 'SN-2',
          name: 'edge-2',
          osProfile: 'ubuntu-22.04-lts-generic',
          template: 'baseline:v2.0.2',
          cluster: { name: 'plant-a', labels: { site: 'a' } },
        },
      ],
    });
    expect(request.options).toEqual({ autoProvision: true, autoCluster: true, atomic: false });
    expect(request.problems).toEqual([]);
    expect(plansOf(request)).toEqual([
      {
        index: 0,
        registration: { name: `host-${U1}`, uuid: U1, serial: null, site: null, labels: {} },
        osProfile: 'microvisor-nonrt',
        template: { name: 'baseline-k3s', version: 'v0.0.4' },
        cluster: { name: `host-${U1}-cluster`, labels: {} },
      },
      {
        index: 1,
        registration: { name: 'edge-2', uuid: null, serial: 'SN-2', site: null, labels: {} },
        osProfile: 'ubuntu-22.04-lts-generic',
        template: { name: 'baseline', version: 'v2.0.2' },
        cluster: { name: 'plant-a', labels: { site: 'a' } },
      },
    ]);
  });

  it('reads cluster/role controlplane or worker as joining the named cluster, which several hosts may share', () => {
    const request = parseRegistrationRequest({
      defaults: FULL,
      hosts: [
        { serial: 'J-1', cluster: { name: 'plant', role: 'worker' } },
        { serial: 'J-2', cluster: { name: 'plant', role: 'worker' } },
        { serial: 'J-3', cluster: { role: 'controlplane' } },
        { serial: 'J-4', cluster: { name: 'x', role: 'boss' } },
      ],
    });
    const collected = collectHostPlans(request);
    expect(collected.ok).toBe(false);
    expect(collected.ok ? [] : collected.problems.map((p) => [p.field, p.message])).toEqual([
      ['hosts/2/cluster/name', 'hosts/2/cluster/role controlplane joins an existing cluster: give its name in hosts/2/cluster/name'],
      ['hosts/3/cluster/role', 'hosts/3/cluster/role "boss" is not a role; expected all, controlplane or worker'],
    ]);
    const ok = plansOf(
      parseRegistrationRequest({
        defaults: FULL,
        hosts: [
          { serial: 'J-1', cluster: { name: 'plant', role: 'worker' } },
          { serial: 'J-2', cluster: { name: 'plant', role: 'worker' } },
        ],
      }),
    );
    expect(ok.map((p) => p.cluster)).toEqual([
      { name: 'plant', labels: {}, role: 'worker' },
      { name: 'plant', labels: {}, role: 'worker' },
    ]);
  });

  it('registers hosts only, without instance or cluster, when nothing automatic is asked', () => {
    const [plan] = plansOf(parseRegistrationRequest({ hosts: [{ serial: 'SN-1' }] }));
    expect(plan).toMatchObject({ osProfile: null, template: null, cluster: null });
  });

  it('refuses autoCluster without autoProvision, naming both fields', () => {
    const error = expectAppError(() =>
      parseRegistrationRequest({ defaults: { autoCluster: true, template: 'baseline-k3s:v0.0.4' }, hosts: [{ uuid: U1 }] }),
    );
    expect(error.code).toBe('InvalidField');
    expect(error.field).toBe('defaults/autoCluster');
    expect(error.detail).toContain('defaults/autoProvision');
    expect(error.extra).toEqual({
      errors: [
        { field: 'defaults/autoCluster', message: 'is true but defaults/autoProvision is not' },
        { field: 'defaults/autoProvision', message: 'must be true when defaults/autoCluster is true' },
      ],
    });
  });

  it('returns every bad host as a problem naming its field, index and step, and no plans', () => {
    const request = parseRegistrationRequest({
      hosts: [{ uuid: U1 }, { uuid: U2 }, { serial: 'ok' }, { uuid: 'not-a-uuid' }, { serial: 'bad serial!' }],
    });
    const collected = collectHostPlans(request);
    expect(collected.ok).toBe(false);
    expect(collected.ok ? [] : collected.problems.map(({ index, field, step, code }) => ({ index, field, step, code }))).toEqual([
      { index: 3, field: 'hosts/3/uuid', step: 'register-host', code: 'InvalidField' },
      { index: 4, field: 'hosts/4/serial', step: 'register-host', code: 'InvalidField' },
    ]);
    expect(request.problems[0]?.message).toBe('hosts/3/uuid "not-a-uuid" is not a UUID; expected 8-4-4-4-12 hex digits');
    expect(request.plans.map((p) => p !== null)).toEqual([true, true, true, false, false]);
  });

  it('names the field of a bad cluster name or label and keeps what earlier steps need', () => {
    const request = parseRegistrationRequest({
      defaults: FULL,
      hosts: [
        { serial: 'A', cluster: { name: 'Not_A_Label' } },
        { serial: 'B', osProfile: 'ubuntu', cluster: { labels: { 'bad key': 'x' } } },
        { serial: 'C', template: 'baseline' },
      ],
    });
    expect(request.problems.map(({ field, step, registration, osProfile }) => [field, step, registration?.serial, osProfile])).toEqual([
      ['hosts/0/cluster/name', 'create-cluster', 'A', 'microvisor-nonrt'],
      ['hosts/1/cluster/labels/bad key', 'create-cluster', 'B', 'ubuntu'],
      ['hosts/2/template', 'create-cluster', 'C', 'microvisor-nonrt'],
    ]);
    expect(request.problems[2]?.message).toBe(
      'hosts/2/template "baseline" is not a template reference; expected name:version, for example baseline-k3s:v0.0.4',
    );
  });

  it('gives a host that is not an object no registration, naming the host itself', () => {
    const [problem] = parseRegistrationRequest({ hosts: ['SN-1'] }).problems;
    expect(problem).toEqual({
      index: 0,
      step: 'register-host',
      field: 'hosts/0',
      code: 'InvalidField',
      message: 'hosts/0 must be an object with uuid and/or serial, got string "SN-1"',
      registration: null,
      osProfile: null,
    });
  });

  it('reports duplicates inside the request against the first occurrence', () => {
    const request = parseRegistrationRequest({
      defaults: FULL,
      hosts: [
        { uuid: U1, name: 'a' },
        { uuid: U1, name: 'b' },
        { serial: 'S', name: 'a' },
        { serial: 'T', cluster: { name: 'a-cluster' } },
      ],
    });
    expect(request.problems.map((p) => [p.index, p.field, p.code, p.step, p.message])).toEqual([
      [1, 'hosts/1/uuid', 'DuplicateInRequest', 'register-host', `hosts/1/uuid "${U1}" duplicates hosts/0/uuid`],
      [2, 'hosts/2/name', 'DuplicateInRequest', 'register-host', 'hosts/2/name "a" duplicates hosts/0/name'],
      [
        3,
        'hosts/3/cluster/name',
        'DuplicateInRequest',
        'create-cluster',
        'hosts/3/cluster/name "a-cluster" duplicates hosts/0/cluster/name',
      ],
    ]);
    expect(request.plans.map((p) => p !== null)).toEqual([true, false, false, false]);
  });

  it('says when a derived name collides (serials differing only in case or punctuation) and asks for an explicit name', () => {
    const request = parseRegistrationRequest({ hosts: [{ serial: 'SN_1' }, { serial: 'sn-1' }] });
    expect(request.problems.map((p) => p.message)).toEqual([
      'hosts/1/name was not given and the derived "host-sn-1" duplicates hosts/0/name; give hosts/1/name explicitly',
    ]);
  });

  it('attributes a missing OS profile to create-instance and a missing template to create-cluster, keeping the registration', () => {
    const request = parseRegistrationRequest({
      defaults: { autoProvision: true, autoCluster: true },
      hosts: [{ serial: 'A', osProfile: 'p' }, { serial: 'B' }],
    });
    expect(request.problems.map((p) => [p.field, p.step, p.registration?.serial])).toEqual([
      ['hosts/0/template', 'create-cluster', 'A'],
      ['hosts/1/osProfile', 'create-instance', 'B'],
    ]);
  });

  it('refuses a cluster or template for a host when autoCluster is off, and unknown host fields', () => {
    const request = parseRegistrationRequest({
      defaults: { autoProvision: true, osProfile: 'p' },
      hosts: [
        { serial: 'A', cluster: { name: 'x' } },
        { serial: 'B', template: 'x:v1.0.0' },
        { serial: 'C', colour: 'red' },
      ],
    });
    expect(request.problems.map((p) => p.field)).toEqual(['hosts/0/cluster', 'hosts/1/template', 'hosts/2/colour']);
  });

  it('refuses an empty host list, a non-boolean flag and a malformed default template', () => {
    expect(expectAppError(() => parseRegistrationRequest({ hosts: [] })).field).toBe('hosts');
    expect(expectAppError(() => parseRegistrationRequest({ defaults: { atomic: 'yes' }, hosts: [{ serial: 'A' }] })).field).toBe(
      'defaults/atomic',
    );
    expect(
      expectAppError(() =>
        parseRegistrationRequest({ defaults: { autoProvision: true, autoCluster: true, template: 'baseline' }, hosts: [{ serial: 'A' }] }),
      ).field,
    ).toBe('defaults/template');
  });

  it('derives a cluster name that stays a DNS label', () => {
    expect(deriveClusterName('edge-1')).toBe('edge-1-cluster');
    expect(deriveClusterName(`${'a'.repeat(54)}-bbbbbbb`)).toBe(`${'a'.repeat(54)}-cluster`);
    expect(deriveClusterName('x'.repeat(63))).toHaveLength(63);
  });
});
