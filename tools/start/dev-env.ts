/**
 * Defaults for one-machine development (`npm start`, `npm run token`). Never used by a
 * deployment: docker-compose and real clusters must set JWT_SECRET themselves.
 */
export const DEV_JWT_SECRET = 'local-development-secret-not-for-production';
