/** Which database the store runs on, and the keys its secrets are sealed with (secret-box.ts). */
import type { SecretKeyring } from './secret-box.ts';

export type EngineConfig = { engine: 'sqlite'; file: string } | { engine: 'postgres'; connectionString: string };

export type StoreConfig = EngineConfig & { secrets: SecretKeyring };
