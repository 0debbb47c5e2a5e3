/** Where the API's parts are mounted: the server registers its routes there and its clients (the agent) call there. */

/** The project routes (hosts, templates, clusters…), one project each. */
export const PROJECT_PREFIX = '/api/v1/projects/:project';
/** The generated OpenAPI 3.1 document. */
export const OPENAPI_PATH = '/api/v1/openapi.json';
/** The southbound API of the edge agents: enroll, desired state, report. */
export const AGENT_PREFIX = '/api/v1/agent';
