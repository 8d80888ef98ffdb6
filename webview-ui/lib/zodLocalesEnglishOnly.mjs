// Stands in for zod's `locales` index in the webview bundle: the forms speak English only, and the full index is
// more than half of zod's size in a browser bundle. zod itself imports `en` directly, so nothing else changes.
export { default as en } from 'zod/v4/locales/en.js';
