/** Which database the store runs on. */
export type StoreConfig = { engine: 'sqlite'; file: string } | { engine: 'postgres'; connectionString: string };
