/**
 * Template import over the API on every engine: a template that cannot produce a bootstrap plan is refused with
 * a 400 problem naming the EMF field; an accepted one reads back exactly as the template schema shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { engines } from '../support/engines.ts';
import { readFormat } from '../support/formats.ts';
import { BROKEN_TEMPLATES, templateVariant } from '../support/template-variants.ts';

const A = '/api/v1/projects/alpha';

describe.each(engines)('template import on $name', ({ createStore }) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
  });
  afterAll(async () => api?.close());

  it.each(BROKEN_TEMPLATES)('answers 400 naming the EMF field for $what', async ({ edit, field, detail }) => {
    const res = await api.call('POST', `${A}/templates`, { body: templateVariant(edit) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'InvalidField', field, detail });
    expect((await api.call('GET', `${A}/templates/baseline-k3s/versions/v0.0.10`)).statusCode).toBe(404);
  });

  it('gives back the imported control plane unchanged, and nothing of the parsed config', async () => {
    const doc = JSON.parse(readFormat('templates/baseline-k3s-v0.0.10.json'));
    const created = await api.call('POST', `${A}/templates`, { body: doc });
    expect(created.statusCode).toBe(201);
    const res = await api.call('GET', `${A}/templates/baseline-k3s/versions/v0.0.10`);
    expect(res.json()).toEqual({
      name: 'baseline-k3s',
      version: 'v0.0.10',
      flavor: 'k3s',
      kubernetesVersion: 'v1.33.5+k3s1',
      description: doc.description,
      controlPlane: doc.clusterconfiguration,
      clusterNetwork: doc.clusterNetwork,
      labels: {},
      infraProviderType: 'intel',
      unusedFields: {},
    });
    expect(created.json()).toEqual(res.json());
  });

  it("exports a template version as cluster-manager's TemplateInfo, the document that was imported", async () => {
    const doc = JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json'));
    expect((await api.call('POST', `${A}/templates`, { body: { ...doc, owner: 'team-a' } })).statusCode).toBe(201);
    const res = await api.call('GET', `${A}/templates/baseline-k3s/versions/v0.0.4/templateinfo`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ...doc, owner: 'team-a' });
    expect((await api.call('GET', `${A}/templates/baseline-k3s/versions/v9.9.9/templateinfo`)).statusCode).toBe(404);
  });
});
