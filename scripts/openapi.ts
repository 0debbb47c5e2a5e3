/** Regenerates docs/openapi.json from the routes (the OpenAPI test compares against it). */
import { writeFileSync } from 'node:fs';
import { buildApp } from '../src/api/app.ts';
import { openStore } from '../src/store/open-store.ts';
import { createEphemeralKeyring } from '../src/store/secret-box.ts';

const store = await openStore({ engine: 'sqlite', file: ':memory:', secrets: createEphemeralKeyring() });
const app = await buildApp({ store });
await app.ready();
writeFileSync(new URL('../docs/openapi.json', import.meta.url), `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await store.close();
