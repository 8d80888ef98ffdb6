/**
 * Every webview form, once. A form's name is its folder here (`src/webviews/<name>/`: its host and protocol), its
 * browser entry (`webview-ui/forms/<name>.ts`, bundled into `dist/webview/<name>.js` by esbuild.config.mjs, which
 * reads this list) and its panels' viewType `choreo.<name>` (restored after a reload by the serializers of index.ts;
 * package.json's `onWebviewPanel:` activation events are checked against it by test/unit/webviews/formList.test.ts).
 * Plain data, no imports: the bundler, the activation part and the browser all read it.
 */
export const FORM_NAMES = [
  'overview',
  'configureAuthentication',
  'createConnection',
  'createExternalConsumer',
  'createService',
  'addIdentityProvider',
  'identityProvider',
] as const;
export type FormName = (typeof FORM_NAMES)[number];

/** The viewType of a form's panels. */
export type FormViewType = `choreo.${FormName}`;
export const formViewType = <N extends FormName>(name: N): `choreo.${N}` => `choreo.${name}`;

/** The viewTypes of every form's panels (also their `onWebviewPanel:` activation events). */
export const FORM_VIEW_TYPES: readonly FormViewType[] = FORM_NAMES.map(formViewType);
