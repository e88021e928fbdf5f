export { ApiErrors, ERROR_DESCRIPTIONS, errorRef, errorSchema, type ErrorStatus } from './errors';
export { ApiSuccess, ApiText, component, s, type Schema } from './responses';
export { ApiFormat, ApiPage } from './paging';
export { buildOpenApiDocument, completeDocument, idempotencyKeyHeader } from './document';
