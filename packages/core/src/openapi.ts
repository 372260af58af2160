/** @auth-errors/core/openapi: the OpenAPI components and operation helpers (see api/openapi.ts). */
export * from './api/openapi.js';
