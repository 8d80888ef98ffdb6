/** The name of the launch configuration attribute that asks for a consumer's connection values. */
export const DEBUG_ATTRIBUTE = 'choreo';
