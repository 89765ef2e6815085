/** Reported in `userAgent`; injected from package.json at bundle time when available. */
declare const __SERVER_VERSION__: string | undefined;
export const SERVER_VERSION: string = typeof __SERVER_VERSION__ === 'string' ? __SERVER_VERSION__ : '0.0.0-dev';
