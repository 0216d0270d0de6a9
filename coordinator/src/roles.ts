/** Admin roles, weakest first: a token may do what its role and every weaker role may do. */
export const ADMIN_ROLES = ['viewer', 'operator', 'security', 'admin'] as const
export type AdminRole = typeof ADMIN_ROLES[number]
