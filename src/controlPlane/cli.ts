// Placeholder until the control plane issue lands.
console.error('control plane: not built yet');
process.exit(1);
