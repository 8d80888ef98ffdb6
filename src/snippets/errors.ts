/** Stable codes for what the snippet writers refuse. Callers branch on the code, show the message. */
export type SnippetErrorCode =
  | 'unknown_language'
  | 'invalid_variable_name'
  | 'invalid_service_path'
  | 'template_placeholder'
  | 'env_value_unquotable'
  | 'component_yaml_invalid'
  | 'component_yaml_shape'
  | 'component_yaml_version'
  | 'env_name_taken';

export class SnippetError extends Error {
  constructor(
    readonly code: SnippetErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SnippetError';
  }
}
