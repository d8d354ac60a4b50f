// Injection tokens for resources opened before Nest starts (the database must be migrated first).
export const CONFIG = Symbol('ControlPlaneConfig');
export const DATABASE = Symbol('Database');
export const REDIS = Symbol('Redis');
export const KEYRING = Symbol('Keyring');
export const PROPAGATION = Symbol('PropagationQueue');
