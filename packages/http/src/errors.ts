/** Stable error codes of @lienthong/http. */
export const HttpErrorCode = {
  NOT_FOUND: 'not-found',
  INTERNAL: 'internal-error',
  BAD_JSON: 'bad-json',
  BAD_REQUEST: 'bad-request',
  BAD_QUERY: 'bad-query',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  TOO_LARGE: 'payload-too-large'
} as const
