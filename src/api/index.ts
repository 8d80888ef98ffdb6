export * from './common';
export * from './organizations';
export * from './components';
export * from './identityProviders';
export * from './auth';
export * from './connections';
export * from './routes';
