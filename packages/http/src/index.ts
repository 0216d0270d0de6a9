/**
 * Shared HTTP pieces for the node and coordinator APIs (Hono): RFC 9457 problem+json errors with
 * stable codes, one error funnel per app, request parsing that fails with 400 and the field name.
 *
 * @example
 * ```ts
 * const app = new Hono()
 * app.onError(errorFunnel({ logger, statusOf: (code) => code === 'registry-unknown-org' ? 404 : undefined }))
 * app.notFound(notFound)
 * ```
 */
export { HttpErrorCode } from './errors.js'
export { HttpError, errorFunnel, notFound, problemResponse, toProblem, PROBLEM_CONTENT_TYPE, type Problem, type StatusOf } from './problem.js'
export { readJson, intQuery } from './request.js'
export { registryRoutes, LOG_PAGE_LIMIT, type RegistrySource } from './registry-routes.js'
export { registryOpenApiPaths } from './registry-openapi.js'
export { TokenStore, bearerAuth, type TokenRecord } from './tokens.js'
export { parseWith } from './validate.js'
